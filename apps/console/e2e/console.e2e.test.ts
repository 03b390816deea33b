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
const KEY_NAME = "e2e mini-program";

type Siyu = Awaited<ReturnType<typeof startSiyu>>;

let siyu: Siyu | undefined;
let browser: Browser | undefined;
let page: Page;
let dataDir: string;
let owner: { email: string; password: string };
const pageErrors: string[] = [];

async function screenshot(name: string): Promise<void> {
  // Let antd's open/close animations (≈0.3 s) settle so the picture shows the end state.
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(artifactsDir, `${name}.png`), fullPage: true });
}

const byTestId = (id: string) => page.locator(`[data-testid="${id}"]`);

describe("Siyu console in Chromium", () => {
  beforeAll(async () => {
    // The server serves the files that exist when it starts: build first when missing or stale.
    execFileSync(process.execPath, [join(repoRoot, "scripts/ensure-console-build.mjs")], { cwd: repoRoot, stdio: "inherit" });
    mkdirSync(artifactsDir, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), "siyu-console-e2e-"));
    siyu = await startSiyu({ port: 0, host: "127.0.0.1", dataDir, demo: true, demoMembers: 300, log: false });
    if (!siyu.initialOwner) throw new Error("a fresh data folder must yield the initial owner's credentials");
    owner = { email: siyu.initialOwner.email, password: siyu.initialOwner.password };

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
      ],
    });
    const context = await browser.newContext({
      baseURL: siyu.url,
      locale: "en-US",
      viewport: { width: 1440, height: 900 },
    });
    page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.setDefaultTimeout(30_000);
  });

  afterAll(async () => {
    await browser?.close();
    await siyu?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("logs in, switches language, creates an API key and finds it in the audit log", async () => {
    // 1. An anonymous visit lands on the login page.
    await page.goto("/");
    await page.waitForURL(/\/login/);
    await byTestId("login-email").waitFor();
    expect(await page.locator("body").innerText()).toContain("Siyu");
    await screenshot("01-login");

    // 2. Log in as the initial owner; the demo workspace opens.
    await byTestId("login-email").fill(owner.email);
    await byTestId("login-password").fill(owner.password);
    await byTestId("login-submit").click();
    await page.waitForURL(/\/w\/[^/]+\/overview$/);

    const meResponse = await page.request.get("/api/v1/me");
    expect(meResponse.status()).toBe(200);
    const me = (await meResponse.json()) as {
      memberships: Array<{ workspace: { id: string; name: string; isDemo: boolean } }>;
    };
    const demo = me.memberships.find((m) => m.workspace.isDemo) ?? me.memberships[0];
    if (!demo) throw new Error("the initial owner has no workspace");
    expect(page.url()).toContain(`/w/${demo.workspace.id}/`);
    const switcher = byTestId("workspace-switcher");
    await switcher.getByText(demo.workspace.name, { exact: true }).waitFor();
    await byTestId("coming-soon-overview").waitFor();
    await screenshot("02-overview");

    // 3. 中文 and back to English.
    await byTestId("lang-switch").getByText("中文", { exact: true }).click();
    await byTestId("nav-overview").getByText("概览", { exact: true }).waitFor();
    expect(await byTestId("nav-customers").innerText()).toBe("客户");
    expect(await byTestId("nav-settings").innerText()).toBe("设置");
    expect(await page.evaluate("document.documentElement.lang")).toBe("zh-CN");
    await screenshot("03-chinese");

    await byTestId("lang-switch").getByText("English", { exact: true }).click();
    await byTestId("nav-overview").getByText("Overview", { exact: true }).waitFor();
    expect(await byTestId("nav-customers").innerText()).toBe("Customers");
    expect(await byTestId("nav-settings").innerText()).toBe("Settings");
    await screenshot("04-english");

    // 4. Settings → API keys → create an ingest key; the secret is shown once.
    if (!(await byTestId("nav-settings-api-keys").isVisible())) await byTestId("nav-settings").click();
    await byTestId("nav-settings-api-keys").click();
    await page.waitForURL(/\/settings\/api-keys$/);
    await byTestId("api-key-table").waitFor();
    await byTestId("api-key-create").click();
    await byTestId("api-key-name").fill(KEY_NAME);
    await byTestId("api-key-scope-ingest").click();
    await screenshot("05-api-key-form");
    await byTestId("api-key-submit").click();

    const secretInput = byTestId("api-key-secret");
    await secretInput.waitFor();
    const secret = await secretInput.inputValue();
    expect(secret.startsWith("sk_")).toBe(true);
    await screenshot("06-api-key-secret");

    await byTestId("api-key-secret-done").click();
    await secretInput.waitFor({ state: "detached" });
    const table = byTestId("api-key-table");
    await table.getByText(KEY_NAME, { exact: true }).waitFor();
    // Shown once: neither the page nor the list API carries the secret any more.
    expect(await page.content()).not.toContain(secret);
    const keysResponse = await page.request.get(`/api/v1/workspaces/${demo.workspace.id}/api-keys`);
    expect(await keysResponse.text()).not.toContain(secret);
    await screenshot("07-api-key-list");

    // 5. The audit log records the creation.
    await byTestId("nav-settings-audit-log").click();
    await page.waitForURL(/\/settings\/audit-log$/);
    const auditTable = byTestId("audit-log-table");
    await auditTable.waitFor();
    const row = auditTable.locator('[data-testid="audit-row-api_key.created"]').filter({ hasText: KEY_NAME }).first();
    await row.waitFor();
    expect(await row.innerText()).toContain("api_key.created");
    await row.locator(".ant-table-row-expand-icon").click();
    await auditTable.locator('[data-testid^="audit-entry-details-"]').first().waitFor();
    await screenshot("08-audit-log");

    // Filtering by the action keeps the entry.
    await byTestId("audit-action-filter").fill("api_key.created");
    await byTestId("audit-action-filter").press("Enter");
    await auditTable.locator('[data-testid="audit-row-api_key.created"]').filter({ hasText: KEY_NAME }).first().waitFor();
    const otherActions = await auditTable.locator('tr[data-testid^="audit-row-"]:not([data-testid="audit-row-api_key.created"])').count();
    expect(otherActions).toBe(0);
    await screenshot("09-audit-log-filtered");

    expect(pageErrors).toEqual([]);
  });
});
