import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useConsoleHarness } from "./support/harness";

type Summary = { id: string; name: string | null; phone: string | null };

/** Three good customers with Chinese names and phones in three formats; line 5 has a phone that is not one. */
const MEMBERS_CSV = ["name,phone,city", "王芳,13811112222,上海", "刘洋,+86 139-2222-3333,北京", "陈静,137 3333 4444,杭州", "赵磊,12345,广州", ""].join("\n");

const harness = useConsoleHarness({ name: "imports", demo: false });

describe("CSV import and identity rules in Chromium", () => {
  it("imports customers from a CSV, reports the bad row and the duplicates, and edits the identity rules", async () => {
    const { page, byTestId, screenshot, api, until, pageErrors, dataDir, login, settingsPage } = harness();
    const csvPath = join(dataDir, "会员-members.csv");
    writeFileSync(csvPath, MEMBERS_CSV, "utf8");

    // 1. Log in as the initial owner.
    const { ws } = await login();

    // 2. Customers → Import: the columns, and a template built from them.
    await byTestId("nav-customers").click();
    await page.waitForURL(/\/customers$/);
    await byTestId("customer-import").click();
    await page.waitForURL(/\/customers\/import$/);
    const columns = byTestId("import-columns");
    for (const column of ["user_id", "phone", "wechat_openid", "wechat_appid", "name", "birthday"]) {
      await columns.getByText(column, { exact: true }).waitFor();
    }
    const [download] = await Promise.all([page.waitForEvent("download"), byTestId("import-template").click()]);
    expect(download.suggestedFilename()).toBe("siyu-profiles-template.csv");
    const template = readFileSync(await download.path(), "utf8");
    expect(template.replace(/^\uFEFF/, "").split("\r\n")[0]).toContain("phone,email,wechat_unionid,wechat_openid,wechat_appid");
    await screenshot("01-page");

    // 3. Upload: three accepted, the bad phone rejected with its line and column.
    const fileInput = byTestId("import-upload").locator('input[type="file"]');
    await fileInput.setInputFiles(csvPath);
    const report = byTestId("import-report");
    await report.waitFor();
    expect(await byTestId("import-stat-rows").innerText()).toContain("4");
    expect(await byTestId("import-stat-accepted").innerText()).toContain("3");
    expect(await byTestId("import-stat-duplicates").innerText()).toContain("0");
    expect(await byTestId("import-stat-rejected").innerText()).toContain("1");
    const badRow = byTestId("import-errors-table").locator('[data-testid="import-error-5-phone"]');
    await badRow.waitFor();
    expect(await badRow.innerText()).toMatch(/^5\s+phone\s+\S/);
    expect(await byTestId("import-errors-table").locator("tbody tr").count()).toBe(1);
    await screenshot("02-report");

    // The error list downloads as CSV, one row per error.
    const [errorsFile] = await Promise.all([page.waitForEvent("download"), byTestId("import-errors-download").click()]);
    expect(errorsFile.suggestedFilename()).toBe("会员-members.errors.csv");
    const errorsCsv = readFileSync(await errorsFile.path(), "utf8").replace(/^\uFEFF/, "").split("\r\n");
    expect(errorsCsv[0]).toBe("line,field,reason");
    expect(errorsCsv[1]).toMatch(/^5,phone,/);

    // A file without any identifier column is refused as a whole, naming what is missing.
    const badHeaderPath = join(dataDir, "orders-by-mistake.csv");
    writeFileSync(badHeaderPath, "order_no,amount\nA-1,18.5\n", "utf8");
    await fileInput.setInputFiles(badHeaderPath);
    const failed = byTestId("import-failed");
    await failed.waitFor();
    expect(await failed.innerText()).toContain("orders-by-mistake.csv was not imported");
    expect(await report.count()).toBe(0);
    await screenshot("02b-bad-header");

    // 4. The same file again adds nothing.
    await fileInput.setInputFiles(csvPath);
    await until("the second report", () => byTestId("import-stat-duplicates").innerText(), (text) => text.includes("3"));
    expect(await byTestId("import-stat-accepted").innerText()).toContain("0");
    expect(await byTestId("import-stat-rejected").innerText()).toContain("1");
    await screenshot("03-duplicates");

    // 5. The audit log, filtered to profile imports: one entry per upload.
    await byTestId("import-audit-link").click();
    await page.waitForURL(/\/settings\/audit-log\?action=import\.profiles$/);
    const auditTable = byTestId("audit-log-table");
    await auditTable.locator('[data-testid="audit-row-import.profiles"]').first().waitFor();
    expect(await auditTable.locator('[data-testid="audit-row-import.profiles"]').count()).toBe(2);
    expect(await auditTable.innerText()).toContain("会员-members.csv");
    await screenshot("04-audit");

    // 6. The imported customers appear in the list once the projector has run.
    await until("the imported customers", () => api.get<{ items: Summary[] }>(`${ws}/customers`), (p) => p.items.length === 3);
    await byTestId("nav-customers").click();
    await page.waitForURL(/\/customers$/);
    const table = byTestId("customer-table");
    await table.getByText("王芳", { exact: true }).waitFor();
    expect(await table.innerText()).toContain("138 1111 2222");
    expect(await table.getByText("赵磊", { exact: true }).count()).toBe(0);
    await screenshot("05-customers");

    // 7. Settings → Identity rules: at most two phones per customer, kept after a reload.
    await settingsPage("identity");
    const phoneMax = byTestId("identity-max-phone");
    await phoneMax.waitFor();
    expect(await phoneMax.inputValue()).toBe("1");
    await screenshot("06-identity-rules");
    await phoneMax.fill("2");
    await byTestId("identity-save").click();
    await page.locator(".ant-message").getByText("Saved").waitFor();
    expect((await api.get<{ maxPerProfile: Record<string, number> }>(`${ws}/identity/settings`)).maxPerProfile.phone).toBe(2);
    await page.reload();
    await byTestId("identity-max-phone").waitFor();
    expect(await byTestId("identity-max-phone").inputValue()).toBe("2");
    await screenshot("07-identity-saved");

    // A custom identifier type gets its own limit.
    await byTestId("identity-add-rule").click();
    const newRow = byTestId("identity-type-3");
    await newRow.click();
    // The option list is virtual: search for the entry instead of scrolling to it.
    await page.keyboard.type("Custom");
    await page.locator(".ant-select-item-option").filter({ hasText: "Custom type…" }).click();
    await byTestId("identity-custom-name-3").fill("member_card");
    await byTestId("identity-max-custom:member_card").fill("3");
    await byTestId("identity-save").click();
    await until(
      "the custom rule saved",
      () => api.get<{ maxPerProfile: Record<string, number> }>(`${ws}/identity/settings`),
      (s) => s.maxPerProfile["custom:member_card"] === 3,
    );
    await screenshot("08-identity-custom");

    expect(pageErrors).toEqual([]);
  });
});
