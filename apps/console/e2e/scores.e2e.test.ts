import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startSiyu } from "@siyu/server";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const artifactsDir = join(repoRoot, "artifacts/browser");
const CHROMIUM = process.env.SIYU_CHROMIUM ?? "/usr/bin/chromium";

type Siyu = Awaited<ReturnType<typeof startSiyu>>;

let siyu: Siyu | undefined;
let browser: Browser | undefined;
let page: Page;
let dataDir: string;
let owner: { email: string; password: string };
const pageErrors: string[] = [];

async function screenshot(name: string): Promise<void> {
  await page.waitForTimeout(600);
  await page.evaluate("window.scrollTo(0, 0)");
  await page.screenshot({ path: join(artifactsDir, `scores-${name}.png`), fullPage: true });
}

const byTestId = (id: string) => page.locator(`[data-testid="${id}"]`);

async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe("RFM and lifecycle in Chromium", () => {
  beforeAll(async () => {
    execFileSync(process.execPath, [join(repoRoot, "scripts/ensure-console-build.mjs")], { cwd: repoRoot, stdio: "inherit" });
    mkdirSync(artifactsDir, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), "siyu-scores-e2e-"));
    siyu = await startSiyu({ port: 0, host: "127.0.0.1", dataDir, demo: false, log: false });
    if (!siyu.initialOwner) throw new Error("a fresh data folder must yield the initial owner's credentials");
    owner = { email: siyu.initialOwner.email, password: siyu.initialOwner.password };
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    const context = await browser.newContext({ baseURL: siyu.url, locale: "en-US", viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.setDefaultTimeout(30_000);
  });

  afterAll(async () => {
    await browser?.close();
    await siyu?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("recomputes, shows the heat map, cells, stages, the pyramid and a customer's scores", async () => {
    await page.goto("/login");
    await byTestId("login-email").fill(owner.email);
    await byTestId("login-password").fill(owner.password);
    await byTestId("login-submit").click();
    await page.waitForURL(/\/w\/[^/]+\/overview$/);
    const workspaceId = /\/w\/([^/]+)\//.exec(page.url())?.[1];
    if (!workspaceId) throw new Error(`no workspace in ${page.url()}`);
    const ws = `/api/v1/workspaces/${workspaceId}`;

    const created = await page.request.post(`${ws}/api-keys`, { data: { name: "e2e shop", scope: "ingest" } });
    const { secret } = (await created.json()) as { secret: string };
    // 40 members: order counts 0–5, spread over the last year.
    const day = 86_400_000;
    const batch: Record<string, unknown>[] = [];
    for (let i = 0; i < 40; i++) {
      const userId = `member-${i}`;
      const firstSeen = new Date(Date.now() - ((i * 37) % 400) * day - day);
      batch.push({ type: "identify", messageId: `id-${i}`, userId, timestamp: firstSeen.toISOString(), traits: { name: `会员 ${i}` } });
      for (let k = 0; k < i % 6; k++) {
        const at = new Date(Math.min(Date.now() - 3_600_000, firstSeen.getTime() + (k + 1) * ((i * 13) % 90) * day));
        batch.push({ type: "track", messageId: `o-${i}-${k}`, userId, event: "Order Completed", timestamp: at.toISOString(), properties: { order_id: `O-${i}-${k}`, total: 20 + ((i * 17 + k * 29) % 400) } });
      }
    }
    const response = await page.request.post("/v1/batch", {
      headers: { authorization: `Basic ${Buffer.from(`${secret}:`).toString("base64")}` },
      data: { batch },
    });
    expect(response.status(), await response.text()).toBe(200);
    await until(
      "40 customers projected",
      async () => ((await (await page.request.get(`${ws}/customers?limit=100`)).json()) as { items: unknown[] }).items.length,
      (n) => n === 40,
    );
    // The worker loads events into the warehouse within a poll; recompute until every buyer is scored.
    await until(
      "every buyer scored",
      async () => ((await (await page.request.post(`${ws}/scores/recompute`, { data: {} })).json()) as { scored: number }).scored,
      (n) => n >= 30,
    );

    await byTestId("nav-rfm").click();
    await page.waitForURL(/\/rfm$/);
    await byTestId("rfm-heatmap").locator("canvas").waitFor();
    await byTestId("rfm-computed-at").waitFor();
    expect(await byTestId("rfm-layers").innerText()).toContain("High-value core");
    expect(await byTestId("rfm-cells").locator("tbody tr").count()).toBeGreaterThan(2);
    await byTestId("scores-recompute").click();
    await page.getByText(/Scored 40 customers/).waitFor();
    await screenshot("01-rfm");

    // The cell map is editable: R 5 / FM 1 (one order, little spend, very recent) moved from new to promising.
    await byTestId("rfm-settings").getByText("Cell map (R × FM)").click();
    const grid = byTestId("rfm-cell-grid");
    await grid.locator("tbody tr").first().locator(".ant-select").first().click();
    await page.locator(".ant-select-dropdown:visible .ant-select-item-option").filter({ hasText: "Promising" }).click();
    await byTestId("rfm-settings").getByRole("button", { name: "Save" }).click();
    await page.getByText(/apply from the next run/).waitFor();
    const saved = (await (await page.request.get(`${ws}/scores/settings`)).json()) as { rfm: { cellGrid: string[][] } };
    expect(saved.rfm.cellGrid[4]![0]).toBe("promising");
    expect(saved.rfm.cellGrid[0]![0]).toBe("lost");
    await screenshot("01b-cell-map");

    await byTestId("nav-lifecycle").click();
    await page.waitForURL(/\/lifecycle$/);
    await byTestId("lifecycle-stages-chart").locator("canvas").waitFor();
    expect(await byTestId("lifecycle-stages").innerText()).toContain("Mature");
    expect(await byTestId("value-pyramid").innerText()).toContain("SVIP");
    await screenshot("02-lifecycle");

    // A bad threshold is refused with the field named.
    await byTestId("lifecycle-growingDays").fill("3");
    await byTestId("lifecycle-settings").getByRole("button", { name: "Save" }).click();
    await page.getByText(/growingDays/).first().waitFor();

    const found = (await (await page.request.get(`${ws}/customers?q=member-5`)).json()) as { items: { id: string }[] };
    await page.goto(`/w/${workspaceId}/customers/${found.items[0]!.id}`);
    await byTestId("customer-scores-rfm").waitFor();
    expect(await byTestId("customer-scores").innerText()).toContain("Value tier");
    await screenshot("03-customer");

    await byTestId("lang-switch").getByText("中文", { exact: true }).click();
    await byTestId("nav-lifecycle").click();
    await byTestId("lifecycle-stages").getByText("成熟期").waitFor();
    await screenshot("04-lifecycle-zh");
    expect(pageErrors).toEqual([]);
  });
});
