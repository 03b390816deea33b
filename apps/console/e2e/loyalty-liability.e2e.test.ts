import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { useConsoleHarness } from "./support/harness";

const harness = useConsoleHarness({ name: "loyalty-liability", demo: false, settleMs: 600 });

describe("Loyalty liability in Chromium", () => {
  it("shows the liability totals of the seeded points, stored value and card, downloads the CSV, and the customer's stored value and card", async () => {
    const { page, byTestId, screenshot, api, until, pageErrors, login, ingestKey } = harness();
    const { workspaceId, ws } = await login();

    // Points at once, a bonus rule, one point worth 1 分.
    const put = await page.request.put(`/api/v1${ws}/loyalty/settings`, {
      data: { points: { pendingDays: 0 }, storedValue: { bonusRules: [{ minTopupMinor: 10_000, bonusMinor: 1_000 }] }, liability: { pointValueMinor: 1 } },
    });
    expect(put.status(), await put.text()).toBe(200);
    const key = await ingestKey("till");
    await key.send([
      { type: "identify", messageId: "i-a", userId: "alice", traits: { name: "Alice" } },
      { type: "identify", messageId: "i-b", userId: "bob", traits: { name: "Bob" } },
      { type: "track", messageId: "o-a", userId: "alice", event: "Order Completed", properties: { order_id: "O-A", total: 120, store_id: "SH-01" } },
      { type: "track", messageId: "o-b", userId: "bob", event: "Order Completed", properties: { order_id: "O-B", total: 80, store_id: "BJ-01" } },
    ]);
    const idOf = async (userId: string) => (await api.get<{ items: { id: string }[] }>(`${ws}/customers?limit=5&q=${userId}`)).items[0]?.id;
    const alice = await until("alice projected", () => idOf("alice"), (id) => !!id);
    const bob = await until("bob projected", () => idOf("bob"), (id) => !!id);
    await until("points for both orders", () => api.get<{ totals: { pointsAvailable: number } }>(`${ws}/loyalty/liability`), (r) => r.totals.pointsAvailable === 200);

    // Seeded: 200 points (¥2.00), alice tops up ¥100 (+¥10 bonus), bob holds a 12-cup card (¥240) used once.
    await api.post(`${ws}/customers/${alice}/stored-value/top-ups`, { amountMinor: 10_000, reference: "wx-1", idempotencyKey: "e2e-top" });
    const product = await api.post<{ id: string }>(`${ws}/card-products`, { name: "12 杯卡", kind: "times", uses: 12, validityDays: 365, priceMinor: 24_000 });
    const card = await api.post<{ card: { id: string } }>(`${ws}/customers/${bob}/cards`, { productId: product.id, idempotencyKey: "e2e-card" });
    await api.post(`${ws}/member-cards/${card.card.id}/uses`, { idempotencyKey: "e2e-use" });
    const expected = { points: 200, storedValue: 10_000 + 1_000, cards: Math.round((11 * 24_000) / 12) };
    const total = expected.points * 1 + expected.storedValue + expected.cards;

    await byTestId("nav-loyalty").click();
    await page.waitForURL(/\/loyalty$/);
    await page.getByRole("tab", { name: "Liability" }).click();
    await byTestId("liability-total").getByText(`¥${(total / 100).toFixed(2)}`).waitFor();
    expect(await byTestId("liability-points").innerText()).toContain("200 available");
    expect(await byTestId("liability-stored-value").innerText()).toContain("¥110.00");
    expect(await byTestId("liability-cards-value").innerText()).toContain("¥220.00");
    expect(await byTestId("liability-card-uses").innerText()).toContain("11 uses");
    expect(await byTestId("liability-by-store").locator("tbody tr").count()).toBe(3);
    await byTestId("forecast-chart").locator("canvas").waitFor();
    await screenshot("01-liability");

    const [download] = await Promise.all([page.waitForEvent("download"), byTestId("liability-csv").click()]);
    const csv = readFileSync(await download.path(), "utf8").trim().split("\n");
    expect(csv[0]).toMatch(/^as_of,store_id,points_available,/);
    const all = csv[1]!.split(",");
    expect(all[1]).toBe("(all)");
    expect(Number(all[2])).toBe(200);
    expect(Number(all.at(-1))).toBe(total);

    await byTestId("forecast-view").getByText("Table").click();
    expect(await byTestId("forecast-table").locator("tbody tr").count()).toBe(12);
    await page.getByRole("tab", { name: "Cards" }).click();
    await byTestId("card-products").getByText("12 杯卡").waitFor();

    // The customer page: alice's stored value, bob's card.
    await page.goto(`/w/${workspaceId}/customers/${alice}`);
    await byTestId("customer-loyalty").getByRole("tab", { name: "Stored value" }).click();
    await byTestId("stored-value-total").getByText("¥110.00").waitFor();
    await page.goto(`/w/${workspaceId}/customers/${bob}`);
    await byTestId("customer-loyalty").getByRole("tab", { name: "Cards" }).click();
    await byTestId("customer-cards").getByText("11 / 12").waitFor();
    await screenshot("02-customer-card");
    expect(pageErrors).toEqual([]);
  });
});
