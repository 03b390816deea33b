import { describe, expect, it } from "vitest";
import { useConsoleHarness } from "./support/harness";

const harness = useConsoleHarness({ name: "loyalty", demo: false });

describe("Loyalty in Chromium", () => {
  it("configures an earn rule and a coupon template, issues it to a segment, shows the member's points and coupon, and edits a tier", async () => {
    const { page, byTestId, screenshot, api, until, pageErrors, login, ingestKey } = harness();
    const { workspaceId, ws } = await login();

    // 1. Points rules: 2 points per yuan, released at once.
    await byTestId("nav-loyalty").click();
    await page.waitForURL(/\/loyalty$/);
    await page.getByRole("tab", { name: "Points rules" }).click();
    const perUnit = byTestId("settings-per-unit");
    await perUnit.fill("2");
    const pending = page.getByLabel("Pending days (refund window)");
    await pending.fill("0");
    await byTestId("loyalty-settings-save").click();
    await until("settings saved", () => api.get<{ points: { perCurrencyUnit: number; pendingDays: number } }>(`${ws}/loyalty/settings`), (s) => s.points.perCurrencyUnit === 2 && s.points.pendingDays === 0);
    await screenshot("01-settings");

    // 2. A member buys through the tracking API.
    const key = await ingestKey("e2e");
    await key.send([
      { type: "identify", messageId: "l-1", userId: "member-1", traits: { name: "王芳", phone: "13800138001" } },
      { type: "track", messageId: "l-2", userId: "member-1", event: "Order Completed", properties: { order_id: "L-1", total: 88, currency: "CNY" } },
    ]);
    const [member] = await until("the member", () => api.get<{ items: { id: string }[] }>(`${ws}/customers?q=member-1`).then((r) => r.items), (items) => items.length === 1);
    await until("points for the order", () => api.get<{ available: number }>(`${ws}/customers/${member!.id}/points`), (b) => b.available === 176);

    // 3. A coupon template, issued to a segment of the buyers.
    const segment = await page.request.post(`/api/v1${ws}/segments`, { data: { name: "Buyers", rule: { type: "trait", trait: "order_count", op: "gte", value: 1 } } });
    expect(segment.status()).toBe(201);
    expect(((await segment.json()) as { size: number }).size).toBe(1);
    await page.getByRole("tab", { name: "Coupons" }).click();
    await byTestId("coupon-template-new").click();
    await byTestId("coupon-name").fill("¥10 off");
    await byTestId("coupon-amount").fill("10");
    await byTestId("coupon-stock").fill("100");
    await byTestId("coupon-template-save").click();
    await byTestId("coupon-templates").getByText("¥10 off", { exact: true }).waitFor();
    await byTestId("coupon-issue-¥10 off").click();
    await page.getByRole("combobox", { name: "Segment" }).click();
    await page.locator(".ant-select-item-option", { hasText: "Buyers" }).click();
    await page.locator("#coupon-issue-submit").click();
    await byTestId("coupon-issue-progress").and(page.locator('[data-status="done"]')).waitFor();
    expect(await byTestId("coupon-issue-progress").innerText()).toBe("1 issued, 0 refused of 1");
    await screenshot("02-issue-job");
    await page.getByRole("button", { name: "Done" }).click();
    await byTestId("coupon-templates").getByText("1 / 100").waitFor();
    await screenshot("02-templates");
    const coupons = await api.get<{ items: { status: string }[] }>(`${ws}/customers/${member!.id}/coupons`);
    expect(coupons.items.map((c) => c.status)).toEqual(["available"]);

    // 4. The customer page shows the balance and the coupon.
    await page.goto(`/w/${workspaceId}/customers/${member!.id}`);
    const card = byTestId("customer-loyalty");
    await byTestId("points-available").getByText("176").waitFor();
    expect(await byTestId("customer-tier").innerText()).toContain("Bronze");
    await card.getByRole("tab", { name: "Coupons" }).click();
    await byTestId("customer-coupons").getByText("Available").waitFor();

    // 5. An adjustment from the page.
    await byTestId("points-delta").fill("-76");
    await byTestId("points-reason").fill("service recovery");
    await byTestId("points-adjust").click();
    await byTestId("points-available").getByText("100").waitFor();
    await screenshot("03-customer");

    // 6. The tiers editor: a threshold below the previous level's is refused on its row; a valid one is saved.
    // An unsaved edit of the points rules waits on their tab meanwhile.
    await byTestId("nav-loyalty").click();
    await page.getByRole("tab", { name: "Points rules" }).click();
    await byTestId("settings-per-unit").fill("3");
    await page.getByRole("tab", { name: "Tiers" }).click();
    await byTestId("tier-threshold-2").fill("400");
    await byTestId("tier-threshold-1").fill("500");
    await byTestId("tier-threshold-2").fill("300");
    await byTestId("tier-settings-save").click();
    await byTestId("tier-levels").getByText("must be above the previous level's").waitFor();
    // Correcting the field takes the refusal's message away (it folds up, moving the Save button:
    // wait for it to leave before clicking, or the click can land where the button was).
    await byTestId("tier-threshold-2").fill("2500");
    await byTestId("tier-levels").getByText("must be above the previous level's").waitFor({ state: "detached" });
    const put = page.waitForResponse((r) => r.request().method() === "PUT" && r.url().endsWith("/loyalty/settings"));
    await byTestId("tier-settings-save").click();
    expect((await put).status()).toBe(200);
    await until(
      "tiers saved",
      () => api.get<{ tiers: { levels: { threshold: number }[] } }>(`${ws}/loyalty/settings`),
      (s) => s.tiers.levels[1]!.threshold === 500 && s.tiers.levels[2]!.threshold === 2500,
    );
    await byTestId("tier-recalculate").click();
    await page.getByText(/member\(s\) changed level/).waitFor();
    await screenshot("04-tiers");
    // The tiers' save returned the whole stored settings; the points rules' form kept its unsaved edit.
    await page.getByRole("tab", { name: "Points rules" }).click();
    expect(await byTestId("settings-per-unit").inputValue()).toBe("3");
    expect((await api.get<{ points: { perCurrencyUnit: number } }>(`${ws}/loyalty/settings`)).points.perCurrencyUnit).toBe(2);
    expect(pageErrors).toEqual([]);
  });
});
