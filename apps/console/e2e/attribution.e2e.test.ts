import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { useConsoleHarness } from "./support/harness";

// Attribution waits on the warehouse load: longer polls; the chart animates in: a longer settle.
const harness = useConsoleHarness({ name: "attribution", demo: false, settleMs: 600, poll: { timeoutMs: 30_000, intervalMs: 300 } });

describe("attribution in Chromium", () => {
  it("shows the six models side by side, as a table, and downloads them as CSV", async () => {
    const { page, byTestId, choose, screenshot, api, until, pageErrors, login, ingestKey } = harness();
    const { ws } = await login();
    const key = await ingestKey("e2e attribution");
    const hour = 3_600_000;
    const now = Date.now();
    const batch: Record<string, unknown>[] = [];
    // 12 customers over the last days: WeCom then SMS before an order for 8 of them, SMS alone for 4 who do not buy.
    for (let i = 0; i < 12; i++) {
      const userId = `m-${i}`;
      const start = now - (3 + (i % 5)) * 24 * hour;
      const touch = (k: number, channel: string, campaign: string) =>
        batch.push({ type: "track", messageId: `t-${i}-${k}`, userId, event: "Message Clicked", timestamp: new Date(start + k * hour).toISOString(), context: { channel, campaign: { name: campaign } } });
      if (i < 8) {
        touch(0, "wecom", "spring");
        touch(1, "sms", "spring");
        batch.push({ type: "track", messageId: `o-${i}`, userId, event: "Order Completed", timestamp: new Date(start + 2 * hour).toISOString(), properties: { order_id: `O-${i}`, total: 100 } });
      } else touch(0, "sms", "member-day");
    }
    await key.send(batch);
    const attributed = await until(
      "8 conversions in the warehouse",
      async () => {
        const today = new Date().toISOString().slice(0, 10);
        const from = new Date(now - 30 * 24 * hour).toISOString().slice(0, 10);
        return (await api.post<{ totals: { attributedConversions: number } }>(`${ws}/analytics/attribution`, { from, to: today })).totals.attributedConversions;
      },
      (n) => n === 8,
    );
    expect(attributed).toBe(8);

    await byTestId("nav-attribution").click();
    await page.waitForURL(/\/attribution$/);
    // The default period is the last 30 days, today included.
    await until("the report counts 8 conversions", async () => (await byTestId("attribution-attributed").innerText()).replace(/\D/g, ""), (v) => v === "8");
    await byTestId("attribution-chart").locator("canvas").waitFor();
    await screenshot("01-attribution-chart");

    await byTestId("attribution-view").getByText("Table").click();
    const table = byTestId("attribution-table");
    await table.locator("tbody tr.ant-table-row").first().waitFor();
    const text = await table.innerText();
    expect(text).toContain("wecom");
    expect(text).toContain("sms");
    await screenshot("02-attribution-table");

    const [download] = await Promise.all([page.waitForEvent("download"), byTestId("attribution-csv").click()]);
    const csv = readFileSync(await download.path(), "utf8").replace(/^\uFEFF/, "");
    const [header, ...lines] = csv.trim().split(/\r\n/);
    expect(header).toBe("Channel,Touches,First touch,Last touch,Linear,Time decay,Shapley,Markov,Removal effect");
    const byKey = Object.fromEntries(lines.map((l) => l.split(",")).map((cells) => [cells[0], cells]));
    // WeCom opens every buying journey, SMS closes it; linear splits each order in two.
    expect(byKey.wecom!.slice(2, 5)).toEqual(["8", "0", "4"]);
    expect(byKey.sms!.slice(2, 5)).toEqual(["0", "8", "4"]);

    // Credit to campaigns instead: every order was the spring campaign's.
    await choose("attribution-dimension", "Campaign");
    await byTestId("attribution-run").click();
    await until("the table shows campaigns", async () => await table.innerText(), (t) => t.includes("spring"));
    await screenshot("03-attribution-campaigns");
    expect(pageErrors).toEqual([]);
  });
});
