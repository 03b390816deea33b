import { describe, expect, it } from "vitest";
import { useConsoleHarness } from "./support/harness";

const harness = useConsoleHarness({ name: "catalogue", demo: false });

interface Item {
  id: string;
  name: string;
  stock: number | null;
  redeemedCount: number;
}
interface Redemption {
  id: string;
  status: string;
  fulfilment: string | null;
  note: string | null;
}

describe("Redemption catalogue in Chromium", () => {
  it("creates an item, redeems it for a customer, shows the stock drop and the order, and fulfils it", async () => {
    const { page, byTestId, screenshot, api, until, pageErrors, login, ingestKey } = harness();
    const { ws } = await login();

    const key = await ingestKey("e2e");
    await key.send([{ type: "identify", messageId: "c-1", userId: "member-1", traits: { name: "王芳", phone: "13800138000" } }]);
    const [customer] = (await until("the customer", () => api.get<{ items: { id: string }[] }>(`${ws}/customers`), (p) => p.items.length === 1)).items;
    await api.post(`${ws}/customers/${customer!.id}/points/adjustments`, { delta: 1200, reason: "welcome", idempotencyKey: "e2e-welcome" });

    // 1. A goods item with stock 5 through the editor.
    await byTestId("nav-loyalty").click();
    await page.waitForURL(/\/loyalty$/);
    await page.getByRole("tab", { name: "Catalogue" }).click();
    await byTestId("catalogue-item-new").click();
    await byTestId("catalogue-item-name").fill("Tea tumbler");
    await byTestId("catalogue-item-sku").fill("TUMBLER-01");
    await byTestId("catalogue-item-points").fill("500");
    await byTestId("catalogue-item-stock").fill("5");
    await screenshot("01-item-form");
    await byTestId("catalogue-item-save").click();
    await expect.poll(async () => (await byTestId("catalogue-stock-Tea tumbler").textContent())?.trim()).toBe("5");
    const [item] = (await api.get<{ items: Item[] }>(`${ws}/catalogue/items`)).items;
    expect(item).toMatchObject({ name: "Tea tumbler", stock: 5, redeemedCount: 0 });

    // 2. Redeem it for the customer from the console: stock 4, a pending order in the list.
    await byTestId("catalogue-redeem-Tea tumbler").click();
    await byTestId("catalogue-redeem-profile").fill(customer!.id);
    await byTestId("catalogue-redeem-ok").click();
    await page.getByText("700 points left").waitFor();
    await expect.poll(async () => (await byTestId("catalogue-stock-Tea tumbler").textContent())?.trim()).toBe("4");
    const [order] = (await api.get<{ items: Redemption[] }>(`${ws}/catalogue/redemptions`)).items;
    expect(order).toMatchObject({ status: "pending" });
    await expect.poll(async () => (await byTestId(`redemption-status-${order!.id}`).textContent())?.trim()).toBe("To fulfil");
    expect((await api.get<{ available: number }>(`${ws}/customers/${customer!.id}/points`)).available).toBe(700);
    await screenshot("02-redeemed");

    // 3. Fulfil it: picked up, with a note.
    await byTestId(`redemption-fulfil-${order!.id}`).click();
    await byTestId("redemption-note").fill("静安店自提");
    await byTestId("redemption-fulfil-ok").click();
    await expect.poll(async () => (await byTestId(`redemption-status-${order!.id}`).textContent())?.trim()).toBe("Fulfilled");
    await page.getByText("Picked up: 静安店自提").waitFor();
    const [done] = (await api.get<{ items: Redemption[] }>(`${ws}/catalogue/redemptions`)).items;
    expect(done).toMatchObject({ status: "fulfilled", fulfilment: "picked_up", note: "静安店自提" });
    await screenshot("03-fulfilled");

    // 4. The lottery tab lists a lottery made through the API, with its stats.
    await api.post(`${ws}/lotteries`, { name: "Spring draw", pointsCost: 10, prizes: [{ name: "50 points", kind: "points", points: 50, weight: 1, stock: 3 }, { name: "Thanks", kind: "none", weight: 1 }] });
    const [lottery] = (await api.get<{ items: { id: string }[] }>(`${ws}/lotteries`)).items;
    await api.post(`${ws}/customers/${customer!.id}/lottery-draws`, { campaignId: lottery!.id, idempotencyKey: "e2e-draw" });
    await page.getByRole("tab", { name: "Lottery" }).click();
    await byTestId("lottery-stats-Spring draw").click();
    await expect.poll(async () => byTestId("lottery-stats-summary").textContent()).toContain("1 draws by 1 members, 10 points spent");
    await screenshot("04-lottery-stats");
    expect(pageErrors).toEqual([]);
  });
});
