import { describe, expect, it } from "vitest";
import { useConsoleHarness } from "./support/harness";

// The charts animate in: a longer settle before each screenshot; scoring waits on the warehouse load: longer polls.
const harness = useConsoleHarness({ name: "scores", demo: false, settleMs: 600, poll: { timeoutMs: 30_000, intervalMs: 250 } });

describe("RFM and lifecycle in Chromium", () => {
  it("recomputes, shows the heat map, cells, stages, the pyramid and a customer's scores", async () => {
    const { page, byTestId, choose, screenshot, api, until, pageErrors, login, ingestKey } = harness();
    const { workspaceId, ws } = await login();

    const key = await ingestKey("e2e shop");
    // 40 members: order counts 0–5, spread over the last year.
    const day = 86_400_000;
    const batch: Record<string, unknown>[] = [];
    for (let i = 0; i < 40; i++) {
      const userId = `member-${i}`;
      const firstSeen = new Date(Date.now() - ((i * 37) % 400) * day - day);
      batch.push({ type: "identify", messageId: `id-${i}`, userId, timestamp: firstSeen.toISOString(), traits: { name: `会员 ${i}` } });
      for (let k = 0; k < i % 6; k++) {
        const at = new Date(Math.min(Date.now() - 3_600_000, firstSeen.getTime() + (k + 1) * ((i * 13) % 90) * day));
        batch.push({ type: "track", messageId: `o-${i}-${k}`, userId, event: "Order Completed", timestamp: at.toISOString(), properties: { order_id: `O-${i}-${k}`, total: 20 + ((i * 17 + k * 29) % 400) } });
      }
    }
    await key.send(batch);
    await until(
      "40 customers projected",
      async () => (await api.get<{ items: unknown[] }>(`${ws}/customers?limit=100`)).items.length,
      (n) => n === 40,
    );
    // The worker loads events into the warehouse within a poll; recompute until every buyer is scored.
    await until(
      "every buyer scored",
      async () => (await api.post<{ scored: number }>(`${ws}/scores/recompute`, {})).scored,
      (n) => n >= 30,
    );

    await byTestId("nav-rfm").click();
    await page.waitForURL(/\/rfm$/);
    await byTestId("rfm-heatmap").locator("canvas").waitFor();
    await byTestId("rfm-computed-at").waitFor();
    expect(await byTestId("rfm-layers").innerText()).toContain("High-value core");
    expect(await byTestId("rfm-cells").locator("tbody tr").count()).toBeGreaterThan(2);
    await byTestId("scores-recompute").click();
    await page.getByText(/Scored 40 customers/).waitFor();
    await screenshot("01-rfm");

    // The cell map is editable: R 5 / FM 1 (one order, little spend, very recent) moved from new to promising.
    await byTestId("rfm-settings").getByText("Cell map (R × FM)").click();
    const grid = byTestId("rfm-cell-grid");
    await choose(grid.locator("tbody tr").first().locator(".ant-select").first(), "Promising");
    await byTestId("rfm-settings").getByRole("button", { name: "Save" }).click();
    await page.getByText(/apply from the next run/).waitFor();
    const saved = await api.get<{ rfm: { cellGrid: string[][] } }>(`${ws}/scores/settings`);
    expect(saved.rfm.cellGrid[4]![0]).toBe("promising");
    expect(saved.rfm.cellGrid[0]![0]).toBe("lost");
    await screenshot("01b-cell-map");

    await byTestId("nav-lifecycle").click();
    await page.waitForURL(/\/lifecycle$/);
    await byTestId("lifecycle-stages-chart").locator("canvas").waitFor();
    expect(await byTestId("lifecycle-stages").innerText()).toContain("Mature");
    expect(await byTestId("value-pyramid").innerText()).toContain("SVIP");
    await screenshot("02-lifecycle");

    // A bad threshold is refused with the field named.
    await byTestId("lifecycle-growingDays").fill("3");
    await byTestId("lifecycle-settings").getByRole("button", { name: "Save" }).click();
    await page.getByText(/growingDays/).first().waitFor();

    const found = await api.get<{ items: { id: string }[] }>(`${ws}/customers?q=member-5`);
    await page.goto(`/w/${workspaceId}/customers/${found.items[0]!.id}`);
    await byTestId("customer-scores-rfm").waitFor();
    expect(await byTestId("customer-scores").innerText()).toContain("Value tier");
    await screenshot("03-customer");

    await byTestId("lang-switch").getByText("中文", { exact: true }).click();
    await byTestId("nav-lifecycle").click();
    await byTestId("lifecycle-stages").getByText("成熟期").waitFor();
    await screenshot("04-lifecycle-zh");
    expect(pageErrors).toEqual([]);
  });
});
