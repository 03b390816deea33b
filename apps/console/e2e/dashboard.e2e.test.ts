import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { useConsoleHarness } from "./support/harness";

// Charts animate in: a longer settle before each screenshot; the warehouse loads on the worker's poll.
const harness = useConsoleHarness({ name: "dashboard", demo: false, settleMs: 700, poll: { timeoutMs: 30_000, intervalMs: 300 } });

describe("The KPI dashboard in Chromium", () => {
  it("opens the overview, changes the period, downloads a CSV, enters a cost and prints the weekly review", async () => {
    const { page, byTestId, screenshot, api, until, pageErrors, login, ingestKey } = harness();
    const { ws } = await login();

    // 30 members over the last 80 days, each with orders; the recent ones more often.
    const key = await ingestKey("e2e shop");
    const day = 86_400_000;
    const now = Date.now();
    const batch: Record<string, unknown>[] = [];
    for (let i = 0; i < 30; i++) {
      const userId = `member-${i}`;
      const joined = now - (5 + ((i * 7) % 80)) * day;
      batch.push({ type: "identify", messageId: `id-${i}`, userId, timestamp: new Date(joined).toISOString(), traits: { name: `会员 ${i}`, source_channel: i % 2 ? "douyin" : "wecom" } });
      // One member in three clicks an SMS an hour before each order.
      if (i % 3 === 0) {
        for (let k = 0; k < 1 + (i % 4); k++) {
          const at = Math.min(now - 2 * day, joined + (k * 9 + 1) * day) - 3_600_000;
          batch.push({ type: "track", messageId: `t-${i}-${k}`, userId, event: "Promotion Clicked", timestamp: new Date(at).toISOString(), context: { channel: "sms" } });
        }
      }
      for (let k = 0; k < 1 + (i % 4); k++) {
        const at = Math.min(now - 2 * day, joined + (k * 9 + 1) * day);
        batch.push({ type: "track", messageId: `o-${i}-${k}`, userId, event: "Order Completed", timestamp: new Date(at).toISOString(), properties: { order_id: `O-${i}-${k}`, total: 18 + ((i * 11 + k * 5) % 30) } });
      }
    }
    await key.send(batch);
    // The scores run refreshes the warehouse's profile snapshot, which the dashboard's customer metrics join on.
    await until("every buyer in the warehouse", async () => (await api.post<{ scored: number }>(`${ws}/scores/recompute`, {})).scored, (n) => n >= 30);

    // The login landed on the overview before these orders existed: open it afresh.
    await byTestId("nav-overview").click();
    await page.waitForURL(/\/overview$/);
    await page.reload();
    await byTestId("kpi-orders").waitFor();
    await byTestId("dashboard-trend-chart").locator("canvas").waitFor();
    const viaApi = await api.get<{ metrics: { key: string; value: number }[] }>(`${ws}/analytics/dashboard`);
    const ordersLast30 = await until(
      "the 30-day orders on the card",
      async () => byTestId("kpi-orders").locator(".ant-statistic-content").innerText(),
      (text) => Number(text.replace(/\D/g, "")) > 0,
    ).catch(async (error: unknown) => {
      await screenshot("00-failed");
      const card = await byTestId("kpi-orders").innerText();
      const period = await byTestId("dashboard-period").innerText();
      throw new Error(`${String(error)}; card ${card}; period ${period}; the API says ${viaApi.metrics.find((m) => m.key === "orders")?.value}`);
    });
    await screenshot("01-overview-30-days");

    // Last 7 days: fewer orders than in the last 30, and the period line says so.
    await byTestId("period-last7").click();
    await until("the 7-day period", async () => byTestId("dashboard-period").innerText(), (text) => !text.includes(ordersLast30) && /–/.test(text));
    await until(
      "the 7-day numbers",
      async () => Number((await byTestId("kpi-orders").locator(".ant-statistic-content").innerText()).replace(/\D/g, "")),
      (n) => n < Number(ordersLast30.replace(/\D/g, "")),
    );
    await screenshot("02-overview-7-days");

    // The trend as a table, and as CSV.
    // Wait for the 90-day answer: until it arrives the page keeps showing the 7-day figures.
    await Promise.all([page.waitForResponse((r) => r.url().includes("/analytics/dashboard") && r.ok()), byTestId("period-last90").click()]);
    await byTestId("dashboard-trend-toggle").click();
    await byTestId("dashboard-trend-table").waitFor();
    const [download] = await Promise.all([page.waitForEvent("download"), byTestId("dashboard-trend-csv").click()]);
    expect(download.suggestedFilename()).toMatch(/^trend-\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync(await download.path(), "utf8").replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(csv[0]).toBe("day,gmv,orders,activeMembers");
    expect(csv).toHaveLength(91);
    const orderSum = csv.slice(1).reduce((t, line) => t + Number(line.split(",")[2]), 0);
    const dashboard = await api.get<{ metrics: { key: string; value: number }[] }>(`${ws}/analytics/dashboard?from=${csv[1]!.split(",")[0]}&to=${csv[90]!.split(",")[0]}`);
    expect(orderSum).toBe(dashboard.metrics.find((m) => m.key === "orders")!.value);
    await screenshot("03-trend-table");

    // A cost for douyin: CAC gets a value.
    await byTestId("dashboard-campaigns-link").click();
    await page.waitForURL(/\/overview\/campaigns$/);
    await byTestId("cost-add").click();
    await byTestId("cost-key").fill("douyin");
    const today = new Date(now).toISOString().slice(0, 10);
    const monthAgo = new Date(now - 60 * day).toISOString().slice(0, 10);
    await page.locator(".ant-modal .ant-picker-range input").first().fill(monthAgo);
    await page.locator(".ant-modal .ant-picker-range input").nth(1).fill(today);
    await page.keyboard.press("Enter");
    await byTestId("cost-amount").fill("1200");
    await page.locator(".ant-modal").getByRole("button", { name: "OK" }).click();
    await byTestId("costs-table").getByText("douyin").waitFor();
    await byTestId("roi-chart").locator("canvas").waitFor();
    await screenshot("04-campaigns");

    // Credited by last touch instead: the SMS clicks before orders take their revenue.
    await Promise.all([
      page.waitForResponse((r) => r.url().includes("/campaigns/roi") && r.url().includes("credit=lastTouch") && r.ok()),
      byTestId("roi-credit").getByText("Last touch").click(),
    ]);
    await byTestId("roi-lookback").waitFor();
    expect(await byTestId("roi-credit-help").innerText()).toContain("30 days");
    await byTestId("roi-toggle").click();
    await byTestId("roi-table").getByRole("cell", { name: "sms", exact: true }).waitFor();
    await screenshot("05-campaigns-last-touch");

    // A weekly alert rule that holds for any week, evaluated now: it fires for the last complete week.
    await api.post(`${ws}/alerts/rules`, { name: "每周订单", metric: { kind: "orders" }, granularity: "week", condition: { kind: "threshold", direction: "above", value: -1 }, severity: "warning" });
    await api.post(`${ws}/alerts/evaluation`, {});

    // The weekly review, printable, with that alert.
    await page.goBack();
    await byTestId("dashboard-weekly-link").click();
    await page.waitForURL(/\/overview\/weekly$/);
    await byTestId("weekly-kpis").waitFor();
    await byTestId("weekly-alerts").getByRole("cell", { name: "每周订单", exact: true }).waitFor();
    await page.emulateMedia({ media: "print" });
    expect(await byTestId("weekly-print").isVisible()).toBe(false);
    await screenshot("06-weekly-print");
    await page.emulateMedia({ media: "screen" });

    expect(pageErrors).toEqual([]);
  });
});
