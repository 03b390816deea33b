import { describe, expect, it } from "vitest";
import { useConsoleHarness } from "./support/harness";

const KEY_NAME = "e2e mini-program";

const harness = useConsoleHarness({ name: "console", demo: true, demoMembers: 300, screenshotPrefix: "" });

describe("Siyu console in Chromium", () => {
  it("logs in, switches language, creates an API key and finds it in the audit log", async () => {
    const { page, byTestId, screenshot, submitLogin, settingsPage, pageErrors, until } = harness();
    // 1. An anonymous visit lands on the login page.
    await page.goto("/");
    await page.waitForURL(/\/login/);
    await byTestId("login-email").waitFor();
    expect(await page.locator("body").innerText()).toContain("Siyu");
    await screenshot("01-login");

    // 2. Log in as the initial owner; the demo workspace opens.
    await submitLogin();

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
    // The landing page is the Overview dashboard of the demo brand.
    await byTestId("dashboard-body").waitFor();
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
    await settingsPage("api-keys");
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

    // 5. The audit log records the creation (the settings submenu may have closed meanwhile).
    await settingsPage("audit-log");
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
    await page.waitForURL(/action=api_key\.created/);
    // The demo's own setup (tags, segments, scores) is in the log too: wait for the filtered page to replace it.
    const otherRows = auditTable.locator('tr[data-testid^="audit-row-"]:not([data-testid="audit-row-api_key.created"])');
    expect(await until("only api_key.created rows", () => otherRows.count(), (n) => n === 0)).toBe(0);
    await auditTable.locator('[data-testid="audit-row-api_key.created"]').filter({ hasText: KEY_NAME }).first().waitFor();
    await screenshot("09-audit-log-filtered");

    expect(pageErrors).toEqual([]);
  });
});
