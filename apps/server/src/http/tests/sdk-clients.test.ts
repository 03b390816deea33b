import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { Analytics } from "@segment/analytics-node";
import RudderAnalytics from "@rudderstack/rudder-sdk-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "@siyu/storage/orm";
import { createServerTestDatabase, testServerUrl } from "@siyu/storage/testing";
import { startSiyu, type RunningSiyu } from "../../start";

/**
 * Segment's and RudderStack's real npm clients against a running Siyu: what a brand's
 * back end does when it points its existing tracking code at Siyu. Runs on the
 * embedded store, and on the PostgreSQL server when DATABASE_URL_TEST is set.
 */
const dataDir = mkdtempSync(join(tmpdir(), "siyu-sdk-clients-"));
let s: RunningSiyu;
let writeKey: string;
let workspaceId: string;
let dropDatabase = async () => {};

beforeAll(async () => {
  const server = testServerUrl();
  let databaseUrl: string | undefined;
  if (server) {
    const target = await createServerTestDatabase(server);
    databaseUrl = target.url;
    dropDatabase = target.drop;
  }
  s = await startSiyu({ port: 0, host: "127.0.0.1", dataDir, databaseUrl, demo: false, log: false });
  workspaceId = s.initialOwner!.workspaceId;
  const key = await s.siyu.services.apiKeys.create(ctx(), { name: "sdk", scope: "ingest" });
  writeKey = key.secret;
});
afterAll(async () => {
  await s?.close();
  await dropDatabase();
  rmSync(dataDir, { recursive: true, force: true });
});

function ctx() {
  return { workspaceId, actor: { type: "system" as const, id: null, name: "test" }, storeIds: null, ip: null };
}

/** Events per type whose user or anonymous id starts with `prefix`. */
async function countsByType(prefix: string): Promise<Record<string, number>> {
  const result = (await s.siyu.database.db.execute(sql`
    select type, count(*)::int as n from events_log
    where workspace_id = ${workspaceId} and (user_id like ${`${prefix}%`} or anonymous_id like ${`${prefix}%`})
    group by type`)) as unknown as { rows: { type: string; n: number }[] };
  return Object.fromEntries(result.rows.map((r) => [r.type, r.n]));
}

async function profilesMatching(q: string) {
  await s.siyu.worker.drain();
  const settings = await s.siyu.services.identity.settings(workspaceId);
  return (await s.siyu.services.profiles.list(ctx(), { limit: 50, q }, settings)).items;
}

/** The one profile `q` finds, with its details and identifiers. */
async function onlyProfile(q: string) {
  const found = await profilesMatching(q);
  expect(found.map((p) => p.id), `profiles matching ${q}`).toHaveLength(1);
  const profile = await s.siyu.services.profiles.get(ctx(), found[0]!.id);
  const identifiers = (await s.siyu.services.identity.identifiersOf(ctx(), profile.id)).map((i) => `${i.type}:${i.value}`);
  return { ...profile, identifiers };
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const all: Record<string, string> = { "content-type": "application/json", authorization: `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}`, ...headers };
  if (!all.authorization) delete all.authorization;
  const res = await fetch(`${s.url}${path}`, {
    method: "POST",
    headers: all,
    body: typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("Segment's analytics-node", () => {
  it("delivers identify, track, page, screen, group and alias; Siyu makes one person of them", async () => {
    const analytics = new Analytics({ writeKey, host: s.url, flushAt: 50, flushInterval: 200, maxRetries: 1 });
    const statuses: number[] = [];
    const errors: unknown[] = [];
    analytics.on("http_response", (res) => statuses.push(res.status));
    analytics.on("error", (error) => errors.push(error));

    analytics.page({ anonymousId: "seg-anon-1", category: "Shop", name: "Home", properties: { url: "https://shop.example.com/" } });
    analytics.identify({
      userId: "seg-user-1",
      anonymousId: "seg-anon-1",
      traits: { phone: "138 0013 8001", name: "王芳", email: "Wang.Fang@Example.com", plan: "gold" },
    });
    analytics.track({ userId: "seg-user-1", event: "Product Viewed", properties: { sku: "T-1", price: 18 } });
    analytics.track({ userId: "seg-user-1", event: "Product Viewed", properties: { sku: "T-2", price: 22 } });
    analytics.track({ userId: "seg-user-1", event: "Product Added", properties: { sku: "T-2" } });
    analytics.screen({ userId: "seg-user-1", name: "Cart" });
    analytics.group({ userId: "seg-user-1", groupId: "store-sh-001", traits: { name: "上海南京西路店" } });
    analytics.alias({ userId: "seg-user-1", previousId: "seg-anon-1" });
    await analytics.closeAndFlush({ timeout: 15_000 });

    expect(errors).toEqual([]);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(await countsByType("seg-")).toEqual({ page: 1, identify: 1, track: 3, screen: 1, group: 1, alias: 1 });

    const person = await onlyProfile("seg-user-1");
    expect(person).toMatchObject({ name: "王芳", phone: "+8613800138001", traits: { name: "王芳", plan: "gold" } });
    expect(person.identifiers).toEqual(
      expect.arrayContaining(["user_id:seg-user-1", "anonymous_id:seg-anon-1", "phone:+8613800138001", "email:wang.fang@example.com"]),
    );
    const counts = Object.fromEntries(person.eventCounts.map((c) => [c.event, c.count]));
    expect(counts).toEqual({ "Product Viewed": 2, "Product Added": 1 });
    // The anonymous page view before identify belongs to the same person.
    expect(person.eventCount).toBeGreaterThanOrEqual(7);
    const timeline = await s.siyu.services.profiles.timeline(ctx(), person.id, { limit: 50 });
    expect(timeline.items.map((i) => i.type)).toEqual(expect.arrayContaining(["page", "identify", "track", "screen", "group"]));
  });

  // analytics-node's alias() sends no anonymousId: previousId must be taken as the visitor's
  // anonymous id, or it would become a second, phantom user.
  it("alias(previousId = an anonymous id, userId) from analytics-node merges the anonymous visitor", async () => {
    const analytics = new Analytics({ writeKey, host: s.url, flushAt: 50, flushInterval: 200, maxRetries: 1 });
    analytics.page({ anonymousId: "seg-anon-2", name: "Landing" });
    analytics.track({ anonymousId: "seg-anon-2", event: "Product Viewed", properties: { sku: "T-9" } });
    await analytics.closeAndFlush({ timeout: 15_000 });
    await s.siyu.worker.drain();
    const late = new Analytics({ writeKey, host: s.url, flushAt: 50, flushInterval: 200, maxRetries: 1 });
    late.alias({ userId: "seg-user-2", previousId: "seg-anon-2" });
    await late.closeAndFlush({ timeout: 15_000 });

    const person = await onlyProfile("seg-user-2");
    expect(person.identifiers).toEqual(expect.arrayContaining(["user_id:seg-user-2", "anonymous_id:seg-anon-2"]));
    expect(person.identifiers).not.toContain("user_id:seg-anon-2");
  });
});

describe("RudderStack's rudder-sdk-node", () => {
  function rudder(options: { gzip: boolean; flushInterval?: number }) {
    const failures: unknown[] = [];
    const client = new RudderAnalytics(writeKey, {
      dataPlaneUrl: s.url,
      flushAt: 50,
      flushInterval: options.flushInterval ?? 200,
      retryCount: 0,
      logLevel: "none", // failures are collected by errorHandler and asserted
      gzip: options.gzip,
      errorHandler: (error) => failures.push(error),
    });
    return { client, failures };
  }

  it("delivers every call to <dataPlaneUrl>/v1/batch; Siyu makes one person of them", async () => {
    // gzip: false because of the content-type bug below; everything else is the client as shipped.
    const { client, failures } = rudder({ gzip: false });
    client.identify({ userId: "rs-user-1", anonymousId: "rs-anon-1", traits: { phone: "+86 139 0013 9001", name: "李雷" } });
    client.track({ userId: "rs-user-1", event: "Product Viewed", properties: { sku: "M-1" } });
    client.track({ userId: "rs-user-1", event: "Order Completed", properties: { order_id: "rs-order-1", total: 36, currency: "CNY" } });
    client.page({ anonymousId: "rs-anon-1", name: "Menu", properties: { path: "/menu" } });
    client.screen({ userId: "rs-user-1", name: "Member Card" });
    client.group({ userId: "rs-user-1", groupId: "community-vip", traits: { tier: "vip" } });
    client.alias({ userId: "rs-user-1", anonymousId: "rs-anon-1", previousId: "rs-anon-1" });
    // The client sends at most flushAt messages per flush: flush until its queue is empty.
    for (let i = 0; i < 5; i++) await client.flush();

    expect(failures).toEqual([]);
    expect(await countsByType("rs-")).toEqual({ identify: 1, track: 2, page: 1, screen: 1, group: 1, alias: 1 });
    const person = await onlyProfile("rs-user-1");
    expect(person).toMatchObject({ name: "李雷", phone: "+8613900139001", orderCount: 1, totalSpendMinor: 3600 });
    expect(person.identifiers).toEqual(expect.arrayContaining(["user_id:rs-user-1", "anonymous_id:rs-anon-1", "phone:+8613900139001"]));
    expect(person.identifiers).not.toContain("user_id:rs-anon-1");
    expect(Object.fromEntries(person.eventCounts.map((c) => [c.event, c.count]))).toEqual({ "Product Viewed": 1, "Order Completed": 1 });
  });

  // With its default gzip: true the client posts gzipped JSON labelled
  // `Content-Type: application/x-www-form-urlencoded` (axios's default for a Buffer).
  it("delivers with the client's defaults (gzip: true)", async () => {
    const { client, failures } = rudder({ gzip: true });
    client.identify({ userId: "rs-gzip-user", traits: { name: "韩梅梅" } });
    client.track({ userId: "rs-gzip-user", event: "Product Viewed" });
    for (let i = 0; i < 3; i++) await client.flush();
    expect(failures).toEqual([]);
    expect(await countsByType("rs-gzip-")).toEqual({ identify: 1, track: 1 });
  });

  // RudderStack's SDKs stamp `originalTimestamp` (and `sentAt`), not `timestamp`: a queued
  // event must be dated when it happened, not when it arrived.
  it("dates an event when it happened (originalTimestamp), not when the queue was flushed", async () => {
    const { client, failures } = rudder({ gzip: false, flushInterval: 60_000 });
    client.track({ userId: "rs-user-2", event: "Warm Up" }); // the client sends its very first message at once
    await client.flush();
    const happenedAt = Date.now();
    client.track({ userId: "rs-user-2", event: "Queued Offline" });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await client.flush();
    expect(failures).toEqual([]);
    const result = (await s.siyu.database.db.execute(
      sql`select ts from events_log where workspace_id = ${workspaceId} and event = 'Queued Offline'`,
    )) as unknown as { rows: { ts: string | Date }[] };
    expect(result.rows).toHaveLength(1);
    const stored = new Date(result.rows[0]!.ts).getTime();
    expect(Math.abs(stored - happenedAt)).toBeLessThan(1000);
  });
});

/**
 * Segment's client SDKs do not call /v1/track or /v1/batch: analytics.js (analytics-next,
 * segmentio plugin) posts each call to `https://<apiHost>/t` (/i, /p, /s, /g, /a) or, when
 * batching, to `/b`; analytics-kotlin and analytics-swift post gzip batches to `/b`. All send
 * `Content-Type: text/plain` with the writeKey in the body, and browsers post cross-origin.
 * These replay those requests byte for byte.
 */
describe("Segment's browser and mobile SDKs (their requests replayed)", () => {
  const message = (id: string) => ({
    type: "track",
    event: "Product Viewed",
    anonymousId: `web-anon-${id}`,
    messageId: `ajs-next-${id}`,
    properties: { sku: "W-1" },
    context: { page: { url: "https://shop.example.com/p/W-1" }, library: { name: "analytics.js", version: "next-1.70.0" } },
    timestamp: new Date().toISOString(),
    sentAt: new Date().toISOString(),
    writeKey,
  });

  it("analytics.js: POST <apiHost>/t as text/plain from another origin", async () => {
    const res = await fetch(`${s.url}/v1/t`, {
      method: "POST",
      headers: { "content-type": "text/plain", origin: "https://shop.example.com" },
      body: JSON.stringify(message("1")),
    });
    expect(res.status).toBe(200);
    // Without this header the browser hides the answer and analytics.js retries the event.
    expect(res.headers.get("access-control-allow-origin")).toBeTruthy();
  });

  it("analytics-kotlin / analytics-swift: POST <apiHost>/b, text/plain, gzip", async () => {
    const res = await fetch(`${s.url}/v1/b`, {
      method: "POST",
      headers: { "content-type": "text/plain", "content-encoding": "gzip" },
      body: gzipSync(JSON.stringify({ batch: [message("2")], writeKey, sentAt: new Date().toISOString() })),
    });
    expect(res.status).toBe(200);
  });
});

describe("Segment HTTP API over fetch", () => {
  // Each prefix is another person, so each has its own phone (a phone belongs to one person).
  const phones: Record<string, string> = { gz: "13700137000", replay: "13700137001", partial: "13700137002" };
  const batch = (prefix: string) => [
    { type: "identify", messageId: `${prefix}-1`, userId: `${prefix}-user`, traits: { phone: phones[prefix], name: "张伟" } },
    { type: "track", messageId: `${prefix}-2`, userId: `${prefix}-user`, event: "Product Viewed", properties: { sku: "G-1" } },
    { type: "page", messageId: `${prefix}-3`, userId: `${prefix}-user`, name: "Home" },
  ];

  it("takes a gzip-compressed batch", async () => {
    const body = gzipSync(JSON.stringify({ batch: batch("gz"), sentAt: new Date().toISOString() }));
    const res = await post("/v1/batch", body, { "content-encoding": "gzip" });
    expect(res).toEqual({ status: 200, body: { success: true, accepted: 3, duplicates: 0, errors: [] } });
    expect(await countsByType("gz-")).toEqual({ identify: 1, track: 1, page: 1 });
    expect(await onlyProfile("gz-user")).toMatchObject({ name: "张伟", phone: "+8613700137000" });
  });

  it("stores a replayed batch (same messageIds) once", async () => {
    expect((await post("/v1/batch", { batch: batch("replay") })).body).toMatchObject({ accepted: 3, duplicates: 0 });
    expect((await post("/v1/batch", { batch: batch("replay") })).body).toEqual({ success: true, accepted: 0, duplicates: 3, errors: [] });
    expect(await countsByType("replay-")).toEqual({ identify: 1, track: 1, page: 1 });
    const person = await onlyProfile("replay-user");
    expect(person.eventCounts).toEqual([expect.objectContaining({ event: "Product Viewed", count: 1 })]);
  });

  it("keeps the good messages of a batch and lists the bad one by index", async () => {
    const items = [
      ...batch("partial"),
      { type: "identify", messageId: "partial-4", userId: "partial-user", traits: { phone: "12345" } },
      { type: "track", messageId: "partial-5", userId: "partial-user", event: "Product Added" },
    ];
    const res = await post("/v1/batch", { batch: items });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: false,
      accepted: 4,
      duplicates: 0,
      errors: [{ index: 3, path: "traits.phone", message: "is not a valid phone number" }],
    });
    expect(await countsByType("partial-")).toEqual({ identify: 1, track: 2, page: 1 });
    // The refused phone never reaches the profile.
    expect(await onlyProfile("partial-user")).toMatchObject({ phone: "+8613700137002" });
  });

  it("refuses a message holding a NUL character (U+0000) by index and path, and keeps the rest", async () => {
    const items = [
      { type: "track", messageId: "nul-1", userId: "nul-user", event: "Product Viewed", properties: { note: "before\u0000after", tags: ["ok", "\u0000"] } },
      { type: "track", messageId: "nul-2", userId: "nul-user", event: "Product Viewed", properties: { note: "fine" } },
    ];
    const res = await post("/v1/batch", { batch: items });
    expect(res.body).toEqual({
      success: false,
      accepted: 1,
      duplicates: 0,
      errors: [
        { index: 0, path: "properties.note", message: "contains the NUL character (U+0000), which cannot be stored" },
        { index: 0, path: "properties.tags.1", message: "contains the NUL character (U+0000), which cannot be stored" },
      ],
    });
    expect(await countsByType("nul-")).toEqual({ track: 1 });
  });

  it("answers 400 in the one error shape when every message is bad", async () => {
    const res = await post("/v1/batch", { batch: [{ type: "track", userId: "x-1" }] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: "ingest.invalid", details: [{ path: "body.batch.0.event" }] } });
  });

  it("accepts the write key in the body instead of a header", async () => {
    const res = await post(
      "/v1/track",
      { writeKey, userId: "body-key-user", event: "Coupon Claimed", messageId: "body-key-1" },
      { authorization: "" },
    );
    expect(res).toEqual({ status: 200, body: { success: true, accepted: 1, duplicates: 0, errors: [] } });
    const wrong = await post("/v1/track", { writeKey: "sk_ingest_wrong", userId: "body-key-user", event: "X" }, { authorization: "" });
    expect(wrong.status).toBe(401);
  });
});
