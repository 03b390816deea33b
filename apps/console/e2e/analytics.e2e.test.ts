import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { refreshProfileSnapshot } from "@siyu/core";
import { useConsoleHarness } from "./support/harness";

const harness = useConsoleHarness({ name: "analytics", demo: false });

describe("Analytics in Chromium", () => {
  it("opens a funnel on seeded data, shows the step counts, and downloads its CSV", async () => {
    const { page, byTestId, screenshot, until, pageErrors, login, ingestKey, siyu } = harness();
    const { ws } = await login();

    // Four shoppers: view → add → buy (2), view → add (1), view only (1), a few days ago.
    const key = await ingestKey("e2e analytics");
    const ago = (days: number, minutes = 0) => new Date(Date.now() - days * 86_400_000 + minutes * 60_000).toISOString();
    const batch: Record<string, unknown>[] = [];
    let n = 0;
    const track = (userId: string, event: string, timestamp: string) =>
      batch.push({ type: "track", messageId: `an-${++n}`, userId, event, timestamp, properties: event === "Order Completed" ? { order_id: `AN-${userId}`, total: 28, currency: "CNY" } : {} });
    for (const [userId, steps] of [["s-1", 3], ["s-2", 3], ["s-3", 2], ["s-4", 1]] as const) {
      batch.push({ type: "identify", messageId: `an-${++n}`, userId, traits: { name: `顾客${userId}` } });
      ["Product Viewed", "Product Added", "Order Completed"].slice(0, steps).forEach((event, i) => track(userId, event, ago(3, i * 10)));
    }
    await key.send(batch);
    const query = { steps: [{ event: "Product Viewed" }, { event: "Product Added" }, { event: "Order Completed" }], period: { from: ago(29).slice(0, 10), to: ago(0).slice(0, 10) } };
    await until(
      "the warehouse to hold the funnel",
      async () => {
        // The server refreshes the profile snapshot every few minutes; do it now, as that schedule would.
        await refreshProfileSnapshot({ db: siyu.siyu.database.db, warehouse: siyu.siyu.warehouse });
        const response = await page.request.post(`/api/v1${ws}/analytics/funnels`, { data: query });
        const body = (await response.json()) as { series?: { steps: { count: number }[] }[] };
        return body.series?.[0]?.steps.map((s) => s.count).join(",") ?? "";
      },
      (counts) => counts === "4,3,2",
      60_000,
    );

    await byTestId("nav-analytics").click();
    await page.waitForURL(/\/analytics$/);
    await byTestId("explore-tab-funnel").click();
    await byTestId("explore-funnel-steps").locator(".ant-select-selection-item-remove").first().waitFor();
    // Replace the default five steps with the three the shoppers did.
    while ((await byTestId("explore-funnel-steps").locator(".ant-select-selection-item-remove").count()) > 0) {
      await byTestId("explore-funnel-steps").locator(".ant-select-selection-item-remove").first().click();
    }
    const input = byTestId("explore-funnel-steps").locator("input");
    for (const step of ["Product Viewed", "Product Added", "Order Completed"]) {
      await input.fill(step);
      await input.press("Enter");
    }
    await byTestId("explore-funnel-run").click();
    await byTestId("explore-funnel-count-0").waitFor();
    expect(await byTestId("explore-funnel-count-0").innerText()).toBe("4");
    expect(await byTestId("explore-funnel-count-1").innerText()).toBe("3");
    expect(await byTestId("explore-funnel-count-2").innerText()).toBe("2");
    expect(await byTestId("explore-funnel-conversion").innerText()).toContain("50.0%");
    await byTestId("explore-funnel-chart").waitFor();
    await screenshot("01-funnel");

    await byTestId("explore-funnel-toggle").click();
    await byTestId("explore-funnel-table").waitFor();
    await screenshot("02-funnel-table");

    const [download] = await Promise.all([page.waitForEvent("download"), byTestId("explore-funnel-csv").click()]);
    expect(download.suggestedFilename()).toBe("funnel.csv");
    const lines = readFileSync(await download.path(), "utf8").replace(/^\uFEFF/, "").split("\r\n");
    expect(lines[0]).toBe("group,Step,Customers,From previous %,From first %,Median time from previous (s)");
    expect(lines.slice(1, 4).map((l) => l.split(",").slice(1, 3).join(","))).toEqual(["1. Product Viewed,4", "2. Product Added,3", "3. Order Completed,2"]);

    // Who dropped before the purchase: one shopper.
    await byTestId("explore-funnel-drill-2").click();
    await byTestId("explore-dropped-table").locator("tbody tr").first().waitFor();
    await until("the dropped list", () => byTestId("explore-dropped-table").locator("tbody tr.ant-table-row").count(), (c) => c === 1);
    await screenshot("03-dropped");
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
