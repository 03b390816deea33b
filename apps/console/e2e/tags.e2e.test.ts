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
  await page.waitForTimeout(400);
  await page.evaluate("window.scrollTo(0, 0)");
  await page.screenshot({ path: join(artifactsDir, `tags-${name}.png`), fullPage: true });
}

const byTestId = (id: string) => page.locator(`[data-testid="${id}"]`);

async function apiGet<T>(path: string): Promise<T> {
  const response = await page.request.get(`/api/v1${path}`);
  if (response.status() !== 200) throw new Error(`GET ${path} → ${response.status()} ${await response.text()}`);
  return (await response.json()) as T;
}

async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("Tags in Chromium", () => {
  beforeAll(async () => {
    execFileSync(process.execPath, [join(repoRoot, "scripts/ensure-console-build.mjs")], { cwd: repoRoot, stdio: "inherit" });
    mkdirSync(artifactsDir, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), "siyu-tags-e2e-"));
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

  it("creates groups and tags in the tag manager and tags a customer on their page", async () => {
    await page.goto("/login");
    await byTestId("login-email").fill(owner.email);
    await byTestId("login-password").fill(owner.password);
    await byTestId("login-submit").click();
    await page.waitForURL(/\/w\/[^/]+\/overview$/);
    const workspaceId = /\/w\/([^/]+)\//.exec(page.url())?.[1];
    const ws = `/workspaces/${workspaceId}`;

    const created = await page.request.post(`/api/v1${ws}/api-keys`, { data: { name: "e2e", scope: "ingest" } });
    const { secret } = (await created.json()) as { secret: string };
    const response = await page.request.post("/v1/batch", {
      headers: { authorization: `Basic ${Buffer.from(`${secret}:`).toString("base64")}` },
      data: {
        batch: [
          { type: "identify", messageId: "t-1", userId: "member-1", traits: { name: "张伟", phone: "13800138000" } },
          { type: "identify", messageId: "t-2", userId: "member-2", traits: { name: "李娜", phone: "13900139000" } },
        ],
      },
    });
    expect(response.status()).toBe(200);
    const customers = await until("two customers", () => apiGet<{ items: { id: string; name: string }[] }>(`${ws}/customers`), (p) => p.items.length === 2);

    // The tag manager: a group, a manual tag in it, a quantile scheme in an exclusive group.
    await byTestId("nav-tags").click();
    await page.waitForURL(/\/tags$/);
    await byTestId("tag-manager").waitFor();
    await page.getByRole("button", { name: "New group" }).click();
    await byTestId("tag-group-name").fill("Interests");
    await page.getByRole("button", { name: "OK" }).click();
    await page.getByText("Interests", { exact: true }).waitFor();

    await page.getByRole("button", { name: "New group" }).click();
    await byTestId("tag-group-name").fill("Spending power");
    await page.locator(".ant-modal .ant-switch").click();
    await page.getByRole("button", { name: "OK" }).click();
    await page.getByText("Spending power", { exact: true }).waitFor();

    await byTestId("tag-new").click();
    await byTestId("tag-name").fill("Oolong lover");
    await page.locator(".ant-modal .ant-select").first().click();
    await page.locator(".ant-select-item-option").filter({ hasText: "Interests" }).click();
    await page.getByRole("button", { name: "OK" }).click();
    await page.locator(".ant-modal").waitFor({ state: "hidden" });
    await page.getByText("Oolong lover", { exact: true }).waitFor();

    await byTestId("tag-new").click();
    await page.locator(".ant-modal .ant-radio-button-wrapper").filter({ hasText: "Quantile" }).click();
    await page.locator(".ant-modal .ant-select").first().click();
    await page.locator(".ant-select-item-option").filter({ hasText: "Spending power" }).click();
    await screenshot("01-quantile-form");
    await page.getByRole("button", { name: "OK" }).click();
    await page.locator(".ant-modal").waitFor({ state: "hidden" });
    for (const level of ["high", "medium", "low"]) await page.getByText(level, { exact: true }).waitFor();
    const list = await apiGet<{ tags: { name: string; kind: string }[] }>(`${ws}/tags`);
    expect(list.tags.map((t) => `${t.name}:${t.kind}`).sort()).toEqual(["Oolong lover:manual", "high:quantile", "low:quantile", "medium:quantile"]);

    // The customer page: add the tag from the picker, see the chip, and the count on the manager.
    const customer = customers.items.find((c) => c.name === "张伟")!;
    await page.goto(`/w/${workspaceId}/customers/${customer.id}`);
    await byTestId("customer-tags").waitFor();
    await byTestId("customer-tag-picker").click();
    await page.locator(".ant-select-item-option").filter({ hasText: "Interests / Oolong lover" }).click();
    await byTestId("customer-tags").getByRole("button", { name: "Add" }).click();
    await byTestId("customer-tags").getByText("Oolong lover", { exact: true }).waitFor();
    await screenshot("02-customer");
    const held = await apiGet<{ items: { name: string; source: string }[] }>(`${ws}/customers/${customer.id}/tags`);
    expect(held.items).toEqual([expect.objectContaining({ name: "Oolong lover", source: "manual" })]);

    await byTestId("nav-tags").click();
    await byTestId("tag-manager").waitFor();
    await page.getByText("Oolong lover", { exact: true }).waitFor();
    await screenshot("03-manager");

    // Recompute the scheme now: the answer says what changed.
    await page.getByRole("row").filter({ hasText: "high" }).getByRole("button", { name: "Recompute" }).click();
    await page.getByText(/^Recomputed: \d+ added, \d+ removed\.$/).waitFor();

    await byTestId("lang-switch").getByText("中文", { exact: true }).click();
    await page.getByText("新建标签", { exact: true }).waitFor();
    await screenshot("04-manager-zh");
    expect(pageErrors).toEqual([]);
  });
});
