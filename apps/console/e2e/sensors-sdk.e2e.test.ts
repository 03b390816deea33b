import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import { sql } from "@siyu/storage/orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./support/chromium";
import { sleep } from "./support/poll";
import { startTestSiyu, type TestSiyu } from "./support/siyu-server";

/**
 * Sensors Analytics' own web SDK (sa-sdk-javascript, from npm) in Chromium, on a shop
 * page served from another origin, with `server_url` pointed at Siyu's /sa endpoint:
 * what a brand migrating from Sensors changes, and nothing else.
 */
const SDK_FILE = createRequire(import.meta.url).resolve("sa-sdk-javascript");

let server: TestSiyu | undefined;
let shop: Server | undefined;
let shopUrl: string;
let browser: Browser | undefined;
let ingestKey: string;
let workspaceId: string;

function ctx() {
  return { workspaceId, actor: { type: "system" as const, id: null, name: "test" }, storeIds: null, ip: null };
}

/** Network activity towards Siyu, so a refused or failed beacon fails the test by name. */
interface Traffic {
  responses: string[];
  /** The form field each POST carried: `data` (one record) or `data_list` (a batch). */
  postedFields: string[];
  failures: string[];
}

async function openShopPage(): Promise<{ page: Page; traffic: Traffic }> {
  const context = await browser!.newContext({ locale: "zh-CN" });
  const page = await context.newPage();
  const traffic: Traffic = { responses: [], postedFields: [], failures: [] };
  page.on("response", (res) => {
    const url = new URL(res.url());
    if (url.origin !== new URL(server!.siyu.url).origin) return;
    traffic.responses.push(`${res.request().method()} ${url.pathname} ${res.status()}`);
    const body = res.request().postData();
    if (body) traffic.postedFields.push(...new URLSearchParams(body).keys());
  });
  page.on("requestfailed", (req) => traffic.failures.push(`${req.method()} ${req.url()} ${req.failure()?.errorText}`));
  page.on("pageerror", (error) => traffic.failures.push(`page error: ${error.message}`));
  await page.goto(`${shopUrl}/product/T-1`);
  await page.addScriptTag({ path: SDK_FILE });
  return { page, traffic };
}

async function storedEvents(userOrAnonymousIds: string[]) {
  const result = (await server!.siyu.siyu.database.db.execute(sql`
    select type, event, user_id, anonymous_id, payload from events_log
    where workspace_id = ${workspaceId} and (user_id in ${userOrAnonymousIds} or anonymous_id in ${userOrAnonymousIds})
    order by seq`)) as unknown as {
    rows: { type: string; event: string | null; user_id: string | null; anonymous_id: string | null; payload: Record<string, unknown> | string }[];
  };
  return result.rows.map((r) => ({ ...r, payload: typeof r.payload === "string" ? (JSON.parse(r.payload) as Record<string, unknown>) : r.payload }));
}

/** Beacons are fire-and-forget: wait until the log holds what the page sent. */
async function waitForEvents(ids: string[], count: number) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const events = await storedEvents(ids);
    if (events.length >= count || Date.now() > deadline) return events;
    await sleep(200);
  }
}

async function onlyProfile(q: string) {
  await server!.siyu.siyu.worker.drain();
  const settings = await server!.siyu.siyu.services.identity.settings(workspaceId);
  const found = (await server!.siyu.siyu.services.profiles.list(ctx(), { limit: 50, q }, settings)).items;
  expect(found, `profiles matching ${q}`).toHaveLength(1);
  const profile = await server!.siyu.siyu.services.profiles.get(ctx(), found[0]!.id);
  const identifiers = (await server!.siyu.siyu.services.identity.identifiersOf(ctx(), profile.id)).map((i) => `${i.type}:${i.value}`);
  return { ...profile, identifiers, eventsByName: Object.fromEntries(profile.eventCounts.map((c) => [c.event, c.count])) };
}

describe("Sensors Analytics web SDK → Siyu", () => {
  beforeAll(async () => {
    // No console build: the SDK talks to the ingest endpoints only.
    server = await startTestSiyu({ name: "sensors", demo: false });
    workspaceId = server.owner.workspaceId;
    ingestKey = (await server.siyu.siyu.services.apiKeys.create(ctx(), { name: "sensors web", scope: "ingest" })).secret;

    // The brand's shop: another origin than Siyu, as in production.
    shop = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end("<!doctype html><html><head><title>招牌奶茶 T-1</title></head><body><h1>招牌奶茶</h1></body></html>");
    });
    await new Promise<void>((resolve) => shop!.listen(0, "127.0.0.1", resolve));
    const address = shop.address();
    shopUrl = `http://127.0.0.1:${address && typeof address === "object" ? address.port : 0}`;

    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (shop ? shop.close(resolve) : resolve(undefined)));
    await server?.close();
  });

  it("with the SDK's defaults (image beacons to /sa.gif): login, setProfile and track make one member", async () => {
    const { page, traffic } = await openShopPage();
    const anonymousId = await page.evaluate(
      ({ serverUrl }) => {
        const sensors = (globalThis as unknown as SensorsWindow).sensorsDataAnalytic201505;
        sensors.init({ server_url: serverUrl, show_log: false });
        sensors.quick("autoTrack");
        const anonymous = sensors.quick("getAnonymousID");
        sensors.login("member-1");
        sensors.setProfile({ phone: "13800138000", name: "测试" });
        sensors.track("Product Viewed", { sku: "T-1", price: 18 });
        return anonymous;
      },
      { serverUrl: `${server!.siyu.url}/sa?project=default&token=${ingestKey}` },
    );
    expect(anonymousId).toMatch(/\S{10,}/);

    // $pageview and the first-visit profile_set_once (autoTrack), $SignUp (login), profile_set, the track.
    const events = await waitForEvents(["member-1", anonymousId], 5);
    // The log can hold a record before Playwright has reported the beacon's answer.
    await expect.poll(() => traffic.responses.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(5);
    expect(traffic.failures).toEqual([]);
    // The SDK rewrites a server URL ending in /sa to /sa.gif and sends every record as GET ?data=…
    expect(traffic.responses.every((r) => r === "GET /sa.gif 200")).toBe(true);
    expect(events.map((e) => [e.type, e.event])).toEqual(
      expect.arrayContaining([
        ["track", "$pageview"],
        ["identify", null],
        ["track", "$SignUp"],
        ["track", "Product Viewed"],
      ]),
    );
    const viewed = events.find((e) => e.event === "Product Viewed")!;
    expect(viewed).toMatchObject({ user_id: "member-1", anonymous_id: anonymousId });
    expect(viewed.payload).toMatchObject({
      properties: { sku: "T-1", price: 18 },
      context: { page: { url: `${shopUrl}/product/T-1`, title: "招牌奶茶 T-1" }, library: { name: "sensorsdata-js" }, sensors: { project: "default" } },
    });

    const member = await onlyProfile("member-1");
    expect(member).toMatchObject({ name: "测试", phone: "+8613800138000", traits: { name: "测试", phone: "13800138000" } });
    expect(member.identifiers).toEqual(expect.arrayContaining(["user_id:member-1", `anonymous_id:${anonymousId}`, "phone:+8613800138000"]));
    expect(member.eventsByName).toMatchObject({ "Product Viewed": 1, $SignUp: 1, $pageview: 1 });
    // The visit before login is the same person.
    const byCookie = await onlyProfile(anonymousId);
    expect(byCookie.id).toBe(member.id);
    await page.context().close();
  });

  it("with send_type ajax and batch_send: cross-origin form posts of data_list, once per record", async () => {
    const { page, traffic } = await openShopPage();
    const anonymousId = await page.evaluate(
      ({ serverUrl }) => {
        const sensors = (globalThis as unknown as SensorsWindow).sensorsDataAnalytic201505;
        sensors.init({ server_url: serverUrl, send_type: "ajax", batch_send: { send_interval: 500 }, show_log: false });
        const anonymous = sensors.quick("getAnonymousID");
        sensors.track("Coupon Viewed", { coupon: "NEW10" });
        sensors.login("member-2");
        sensors.setProfile({ phone: "+86 139 0013 9000", name: "李四" });
        sensors.track("Product Added", { sku: "T-2" });
        sensors.track("Product Added", { sku: "T-3" });
        return anonymous;
      },
      { serverUrl: `${server!.siyu.url}/sa?project=default&token=${ingestKey}` },
    );
    const events = await waitForEvents(["member-2", anonymousId], 5);
    // Let the SDK see its answers: it drops a sent batch from localStorage only after a 2xx it can read (CORS).
    await page.waitForTimeout(1500);
    expect(traffic.failures).toEqual([]);
    expect(traffic.responses.length).toBeGreaterThan(0);
    expect(traffic.responses.every((r) => r === "POST /sa.gif 200")).toBe(true);
    expect(new Set(traffic.postedFields)).toEqual(new Set(["data_list"]));
    // The batch sender keeps each unsent record under a "sawebjssdk-…" localStorage key.
    const leftInBrowser = await page.evaluate(
      () => Object.keys((globalThis as unknown as SensorsWindow).localStorage).filter((k) => k.startsWith("sawebjssdk-")).length,
    );
    expect(leftInBrowser).toBe(0);
    expect(events.filter((e) => e.event === "Product Added")).toHaveLength(2);

    const member = await onlyProfile("member-2");
    expect(member).toMatchObject({ name: "李四", phone: "+8613900139000" });
    expect(member.eventsByName).toMatchObject({ "Coupon Viewed": 1, "Product Added": 2, $SignUp: 1 });
    expect(member.identifiers).toContain(`anonymous_id:${anonymousId}`);
    await page.context().close();
  });
});

/** The page globals this test reads (the e2e tsconfig has no DOM types). */
interface SensorsWindow {
  sensorsDataAnalytic201505: SensorsWeb;
  localStorage: Record<string, string>;
}

/** The part of the SDK's global object this test calls. */
interface SensorsWeb {
  init(options: Record<string, unknown>): void;
  quick(name: "autoTrack"): void;
  quick(name: "getAnonymousID"): string;
  login(id: string): void;
  setProfile(properties: Record<string, unknown>): void;
  track(event: string, properties?: Record<string, unknown>): void;
}
