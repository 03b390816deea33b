import { describe, expect, it } from "vitest";
import { useConsoleHarness } from "./support/harness";

type Summary = { id: string; name: string | null; phone: string | null };
type Profile = Summary & { merges: Array<{ id: string; mergedProfileId: string; splitAt: string | null }> };

// No demo brand: its generated members would crowd the list this test counts.
const harness = useConsoleHarness({ name: "customers", demo: false });

describe("Customers in Chromium", () => {
  it("finds a merged customer by phone, shows the 360 page, splits the merge and reviews a conflict", async () => {
    const { page, byTestId, confirm, screenshot, api, until, pageErrors, login, ingestKey } = harness();
    // 1. Log in as the initial owner.
    const { workspaceId, ws } = await login();

    // 2. An ingest key (with the owner's session cookie), then events as a mini-program would send them.
    const { send: ingest } = await ingestKey("e2e mini-program");
    const find = (q: string) => api.get<{ items: Summary[] }>(`${ws}/customers?q=${encodeURIComponent(q)}`).then((result) => result.items);

    // Two members who bought, and a mini-program visitor who only browsed.
    await ingest([
      { type: "identify", messageId: "e2e-1", userId: "member-8000", traits: { name: "张伟", phone: "13800138000", city: "杭州" } },
      { type: "track", messageId: "e2e-2", userId: "member-8000", event: "Order Completed", properties: { order_id: "E2E-1001", total: 18.5, currency: "CNY", coupon: "NEW10" } },
      { type: "identify", messageId: "e2e-3", userId: "member-9000", traits: { name: "李娜", phone: "13900139000" } },
      { type: "track", messageId: "e2e-4", userId: "member-9000", event: "Order Completed", properties: { order_id: "E2E-2001", total: 99, currency: "CNY" } },
      { type: "identify", messageId: "e2e-5", anonymousId: "mp-visitor-1", traits: { wechat_openid: "oMini-8000", wechat_appid: "wxmini01" } },
      { type: "track", messageId: "e2e-6", anonymousId: "mp-visitor-1", event: "Product Viewed", properties: { product_id: "tea-01", name: "Jasmine tea" } },
    ]);
    await until("three customers", () => api.get<{ items: Summary[] }>(`${ws}/customers`), (p) => p.items.length === 3);

    // The visitor logs in with their phone in the mini-program: the two profiles become one.
    await ingest([{ type: "identify", messageId: "e2e-7", anonymousId: "mp-visitor-1", traits: { phone: "+86 138-0013-8000" } }]);
    const [member] = await until(
      "the visitor merged into the member",
      async () => [...(await find("member-8000")), ...(await find("mp-visitor-1"))],
      (found) => found.length === 2 && found[0]?.id === found[1]?.id,
    );
    if (!member) throw new Error("unreachable");

    // A second phone for 李娜 breaks the one-phone rule: refused, and queued for review.
    await ingest([{ type: "identify", messageId: "e2e-8", userId: "member-9000", traits: { phone: "13700137000" } }]);
    await until("a conflict", () => api.get<{ items: unknown[] }>(`${ws}/identity/conflicts`), (c) => c.items.length === 1);

    // 3. Customers: the list, and the "has orders" filter.
    await byTestId("nav-customers").click();
    await page.waitForURL(/\/customers$/);
    const table = byTestId("customer-table");
    await table.getByText("张伟", { exact: true }).waitFor();
    await table.getByText("李娜", { exact: true }).waitFor();
    expect(await table.locator('tr[data-testid^="customer-row-"]').count()).toBe(3);
    await screenshot("01-list");

    await byTestId("customer-orders-filter").click();
    await page.locator(".ant-select-item-option").filter({ hasText: "With orders" }).click();
    await page.waitForURL(/orders=with/);
    await until("two buyers", () => table.locator('tr[data-testid^="customer-row-"]').count(), (n) => n === 2);
    await byTestId("customer-orders-filter").click();
    await page.locator(".ant-select-item-option").filter({ hasText: "All customers" }).click();
    await until("all customers again", () => table.locator('tr[data-testid^="customer-row-"]').count(), (n) => n === 3);

    // 4. Search by the phone written the way people say it.
    const search = byTestId("customer-search");
    await search.fill("138 0013 8000");
    await search.press("Enter");
    await page.waitForURL(/q=138/);
    await until("one match", () => table.locator('tr[data-testid^="customer-row-"]').count(), (n) => n === 1);
    const row = byTestId(`customer-row-${member.id}`);
    expect(await row.innerText()).toContain("张伟");
    expect(await row.innerText()).toContain("138 0013 8000");
    expect(await row.innerText()).toContain("¥18.50");
    await screenshot("02-search");

    // 5. The 360 page: identities from both channels, stats, timeline, the merge.
    await row.click();
    await page.waitForURL(new RegExp(`/customers/${member.id}$`));
    await byTestId("customer-profile").waitFor();
    expect(await byTestId("customer-name").innerText()).toBe("张伟");
    expect(await byTestId("customer-phone").innerText()).toBe("138 0013 8000");
    const identities = byTestId("customer-identities");
    for (const type of ["user_id", "anonymous_id", "phone", "wechat_openid"]) {
      await identities.locator(`[data-testid="customer-identifier-${type}"]`).waitFor();
    }
    const identitiesText = await identities.innerText();
    expect(identitiesText).toContain("Member ID");
    expect(identitiesText).toContain("WeChat OpenID");
    expect(identitiesText).toContain("oMini-8000");
    expect(identitiesText).toContain("App wxmini01");
    expect(await byTestId("customer-stat-orders").innerText()).toContain("1");
    expect(await byTestId("customer-stat-total-spend").innerText()).toContain("¥18.50");
    expect(await byTestId("customer-stat-average-order").innerText()).toContain("¥18.50");
    await byTestId("customer-orders").getByText("E2E-1001").waitFor();
    const timeline = byTestId("customer-timeline");
    await timeline.getByText("Order Completed", { exact: true }).waitFor();
    await timeline.getByText("Product Viewed", { exact: true }).waitFor();
    expect(await byTestId("customer-traits").innerText()).toContain("杭州");
    const profile = await api.get<Profile>(`${ws}/customers/${member.id}`);
    expect(profile.merges).toHaveLength(1);
    const merge = profile.merges[0]!;
    await byTestId(`customer-merge-${merge.id}`).waitFor();
    await screenshot("03-profile");

    // The same page in Chinese names the identifier types in Chinese.
    await byTestId("lang-switch").getByText("中文", { exact: true }).click();
    await identities.getByText("微信 OpenID", { exact: true }).waitFor();
    await identities.getByText("会员 ID", { exact: true }).waitFor();
    await screenshot("04-profile-zh");
    await byTestId("lang-switch").getByText("English", { exact: true }).click();
    await identities.getByText("WeChat OpenID", { exact: true }).waitFor();

    // The absorbed profile's old id leads to the survivor.
    await page.goto(`/w/${workspaceId}/customers/${merge.mergedProfileId}`);
    await page.waitForURL(new RegExp(`/customers/${member.id}$`));
    await byTestId("customer-merged-redirect").waitFor();

    // 6. Split the merge.
    await confirm(`customer-split-${merge.id}`, "customer-split-confirm");
    await byTestId(`customer-merge-split-${merge.id}`).waitFor();
    await until(
      "the anonymous id back on its own profile",
      () => identities.locator('[data-testid="customer-identifier-anonymous_id"]').count(),
      (n) => n === 0,
    );
    expect(await byTestId("customer-stat-total-spend").innerText()).toContain("¥18.50");
    await screenshot("05-split");

    // Two customers again: the member keeps the phone, the visitor its mini-program ids.
    const [visitor] = await find("mp-visitor-1");
    expect(visitor?.id).toBeDefined();
    expect(visitor?.id).not.toBe(member.id);
    await byTestId("customer-back").click();
    await page.waitForURL(/\/customers$/);
    await byTestId(`customer-row-${member.id}`).waitFor();
    await byTestId(`customer-row-${visitor!.id}`).waitFor();
    await screenshot("06-two-customers");

    // 7. The conflicts queue: the refused link, and "keep apart".
    await byTestId("customers-tab-conflicts").click();
    await page.waitForURL(/\/customers\/conflicts$/);
    const conflicts = byTestId("conflict-table");
    const conflictRow = conflicts.locator('tr[data-testid^="conflict-row-"]');
    await conflictRow.first().waitFor();
    expect(await conflictRow.count()).toBe(1);
    const conflictText = await conflictRow.innerText();
    expect(conflictText).toContain("137 0013 7000");
    expect(conflictText).toContain("A profile may hold at most 1 × Phone");
    await screenshot("07-conflicts");
    const dismiss = await conflictRow.locator('[data-testid^="conflict-dismiss-"]').getAttribute("data-testid");
    await confirm(dismiss!, "conflict-dismiss-confirm");
    await conflictRow.first().waitFor({ state: "detached" });
    await conflicts.getByText("Nothing to review").waitFor();
    expect((await api.get<{ items: unknown[] }>(`${ws}/identity/conflicts`)).items).toEqual([]);
    await screenshot("08-conflicts-reviewed");

    expect(pageErrors).toEqual([]);
  });
});
