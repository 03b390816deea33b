import { describe, expect, it } from "vitest";
import { useConsoleHarness } from "./support/harness";

const harness = useConsoleHarness({ name: "check-ins", demo: false });

interface Settings {
  activities: { rules: { code: string; points: number; perMemberDaily: { limit: number } | null }[] };
}

describe("Check-ins and activity rules in Chromium", () => {
  it("sets a share rule, sees a shared product earn by it, and checks the customer in from their page", async () => {
    const { page, byTestId, screenshot, api, until, pageErrors, login, ingestKey } = harness();
    const { workspaceId, ws } = await login();

    // 1. The share rule (the first default rule): 7 points a share, at most 1 a day.
    await byTestId("nav-loyalty").click();
    await page.waitForURL(/\/loyalty$/);
    await page.getByRole("tab", { name: "Check-ins & activities" }).click();
    await byTestId("check-in-settings").getByText("Product Shared", { exact: false }).first().click();
    await byTestId("activity-rule-points-0").fill("7");
    await byTestId("activity-rule-daily-0").fill("1");
    await byTestId("check-in-settings-save").click();
    await until(
      "the share rule saved",
      () => api.get<Settings>(`${ws}/loyalty/settings`),
      (s) => s.activities.rules[0]?.code === "share" && s.activities.rules[0].points === 7 && s.activities.rules[0].perMemberDaily?.limit === 1,
    );
    await screenshot("01-rules");

    // 2. A member shares twice through the tracking API: the daily cap pays one.
    const key = await ingestKey("e2e");
    await key.send([
      { type: "identify", messageId: "c-1", userId: "member-1", traits: { name: "陈静", phone: "13800138002" } },
      { type: "track", messageId: "c-2", userId: "member-1", event: "Product Shared", properties: { sku: "T-1", share_via: "wechat_friend" } },
      { type: "track", messageId: "c-3", userId: "member-1", event: "Product Shared", properties: { sku: "T-2", share_via: "wechat_moments" } },
    ]);
    const [member] = await until("the member", () => api.get<{ items: { id: string }[] }>(`${ws}/customers?q=member-1`).then((r) => r.items), (items) => items.length === 1);
    await until("points for the share", () => api.get<{ available: number }>(`${ws}/customers/${member!.id}/points`), (b) => b.available === 7);

    // 3. The customer page: the share's points, then a check-in from the Check-ins tab.
    await page.goto(`/w/${workspaceId}/customers/${member!.id}`);
    const card = byTestId("customer-loyalty");
    await byTestId("points-available").getByText("7").waitFor();
    await card.getByRole("tab", { name: "Check-ins" }).click();
    await byTestId("check-in-today").click();
    await byTestId("points-available").getByText("12").waitFor();
    await byTestId("check-in-streak").getByText("1").waitFor();
    const calendar = await api.get<{ checkedInToday: boolean; days: { day: string }[] }>(`${ws}/customers/${member!.id}/check-ins`);
    expect(calendar.checkedInToday).toBe(true);
    await byTestId(`check-in-day-${calendar.days[0]!.day}`).waitFor();
    expect(await byTestId("check-in-today").isDisabled()).toBe(true);
    await screenshot("02-customer");
    expect(pageErrors).toEqual([]);
  });
});
