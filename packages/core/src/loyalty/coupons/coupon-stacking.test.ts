import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreateCouponTemplateInput, OrderLine } from "@siyu/contracts";
import type { CoreServices } from "../../services";
import { fixedClock } from "../../shared/clock";
import { systemContext, type WorkspaceContext } from "../../shared/context";
import { loyaltyServices, newProfile, newWorkspace } from "../loyalty.test-helpers";

let database: TestDatabase;
let services: CoreServices;
const clock = fixedClock("2026-05-01T02:00:00Z");
const relative = { kind: "relative" as const, days: 10 };

beforeAll(async () => {
  database = await openTestDatabase();
  services = loyaltyServices(database.db, clock);
});
afterAll(async () => {
  await database?.close();
});

// A tea shop's order: two teas, a cake and a cup.
const LINES: OrderLine[] = [
  { sku: "TEA-OOLONG", category: "tea", priceMinor: 3000, quantity: 2 },
  { sku: "TEA-PUER", category: "tea", priceMinor: 4000, quantity: 1 },
  { sku: "CAKE-1", category: "bakery", priceMinor: 2500, quantity: 1 },
  { sku: "CUP-1", category: "merch", priceMinor: 1500, quantity: 1 },
];

async function setup() {
  const ws = await newWorkspace(services);
  const ctx = systemContext(ws);
  const profile = await newProfile(database.db, ws);
  const coupon = async (body: Partial<CreateCouponTemplateInput> & Pick<CreateCouponTemplateInput, "kind">) => {
    const t = await services.coupons.createTemplate(ctx, { name: body.kind, validity: relative, perMemberLimit: null, ...body });
    return (await services.coupons.claim(ctx, t.id, profile)).coupon.code;
  };
  return { ctx, profile, coupon };
}

async function redeemed(ctx: WorkspaceContext, profile: string) {
  return (await services.coupons.listOfCustomer(ctx, profile)).filter((c) => c.status === "redeemed").length;
}

describe(`coupon product scope and stacking (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("applies product-scoped coupons to the eligible lines only", async () => {
    const { ctx, coupon } = await setup();
    // 满100减20 on tea: the tea lines are 10,000 — just enough; the cake and cup do not count.
    const teaThreshold = await coupon({ kind: "threshold", amountMinor: 2000, thresholdMinor: 10000, productScope: { includeCategories: ["tea"] } });
    expect((await services.coupons.redeem(ctx, { code: teaThreshold, orderId: "o1", lines: LINES })).discountMinor).toBe(2000);
    // The same terms on an order with less tea: refused, naming the eligible subtotal.
    const again = await coupon({ kind: "threshold", amountMinor: 2000, thresholdMinor: 10000, productScope: { includeCategories: ["tea"] } });
    await expect(services.coupons.redeem(ctx, { code: again, orderId: "o2", lines: LINES.slice(1) })).rejects.toMatchObject({
      code: "loyalty.threshold_not_met",
      details: { eligibleMinor: 4000 },
    });
    // 20% off everything but tea, at most ¥5: 20% of 4,000 = 800, capped at 500.
    const notTea = await coupon({ kind: "percent", percentOff: 20, capMinor: 500, productScope: { excludeCategories: ["tea"] } });
    expect((await services.coupons.redeem(ctx, { code: notTea, orderId: "o3", lines: LINES })).discountMinor).toBe(500);
    // Only Pu'er, but the order has none: not applicable.
    const puer = await coupon({ kind: "fixed", amountMinor: 1000, productScope: { includeSkus: ["TEA-PUER"] } });
    await expect(services.coupons.redeem(ctx, { code: puer, orderId: "o4", lines: LINES.slice(0, 1) })).rejects.toMatchObject({ code: "loyalty.not_applicable" });
    // A scoped coupon on an order sent without lines: the products are unknown, so it does not apply.
    await expect(services.coupons.redeem(ctx, { code: puer, orderId: "o4", orderTotalMinor: 10000 })).rejects.toMatchObject({ code: "loyalty.not_applicable" });
    // A fixed amount larger than the eligible lines takes only what they cost.
    expect((await services.coupons.redeem(ctx, { code: puer, orderId: "o5", lines: LINES })).discountMinor).toBe(1000);
    const big = await coupon({ kind: "fixed", amountMinor: 9000, productScope: { includeSkus: ["CUP-1"] } });
    expect((await services.coupons.redeem(ctx, { code: big, orderId: "o6", lines: LINES })).discountMinor).toBe(1500);
    // The free item needs its SKU in the order, and is worth one unit of it.
    const cup = await coupon({ kind: "free_item", itemSku: "CUP-1" });
    await expect(services.coupons.redeem(ctx, { code: cup, orderId: "o7", lines: LINES.slice(0, 2) })).rejects.toMatchObject({ code: "loyalty.not_applicable" });
    expect((await services.coupons.redeem(ctx, { code: cup, orderId: "o7", lines: LINES })).discountMinor).toBe(1500);
  });

  it("combines stackable coupons, amounts off before percents, all or none, at most one non-stackable per order", async () => {
    const { ctx, profile, coupon } = await setup();
    const percent = await coupon({ kind: "percent", percentOff: 10, stackable: true });
    const fixed = await coupon({ kind: "fixed", amountMinor: 1000, stackable: true });
    const exclusiveA = await coupon({ kind: "threshold", amountMinor: 2000, thresholdMinor: 10000 });
    const exclusiveB = await coupon({ kind: "fixed", amountMinor: 500 });
    // Order 14,000: the percent is listed first but applied after the ¥10 and ¥20: 10% of 11,000.
    const together = await services.coupons.redeem(ctx, { codes: [percent, fixed, exclusiveA], orderId: "big", lines: LINES });
    expect(together.coupons.map((c) => [c.code, c.discountMinor])).toEqual([
      [fixed, 1000],
      [exclusiveA, 2000],
      [percent, 1100],
    ]);
    expect(together).toMatchObject({ discountMinor: 4100, replayed: false });
    // The same request again is a replay with the same result.
    expect(await services.coupons.redeem(ctx, { codes: [exclusiveA, percent, fixed], orderId: "big", lines: LINES })).toMatchObject({ discountMinor: 4100, replayed: true });
    // A second non-stackable coupon on an order that holds one.
    await expect(services.coupons.redeem(ctx, { code: exclusiveB, orderId: "big", lines: LINES })).rejects.toMatchObject({ code: "loyalty.not_stackable" });
    // Two non-stackable ones in one request: neither is redeemed, nor the stackable one with them.
    const stackable = await coupon({ kind: "fixed", amountMinor: 100, stackable: true });
    const exclusiveC = await coupon({ kind: "fixed", amountMinor: 300 });
    const before = await redeemed(ctx, profile);
    await expect(services.coupons.redeem(ctx, { codes: [stackable, exclusiveB, exclusiveC], orderId: "other", orderTotalMinor: 5000 })).rejects.toMatchObject({
      code: "loyalty.not_stackable",
    });
    // One refusal refuses the whole request, whichever coupon it concerns.
    const tooHigh = await coupon({ kind: "threshold", amountMinor: 100, thresholdMinor: 99_999, stackable: true });
    await expect(services.coupons.redeem(ctx, { codes: [stackable, exclusiveB, tooHigh], orderId: "other", orderTotalMinor: 5000 })).rejects.toMatchObject({
      code: "loyalty.threshold_not_met",
      details: { code: tooHigh },
    });
    expect(await redeemed(ctx, profile)).toBe(before);
    // A later request on an order applies to what the earlier coupons left of the total.
    expect((await services.coupons.redeem(ctx, { codes: [exclusiveB], orderId: "small", orderTotalMinor: 600 })).discountMinor).toBe(500);
    expect((await services.coupons.redeem(ctx, { codes: [stackable], orderId: "small", orderTotalMinor: 600 })).discountMinor).toBe(100);
    // A full refund gives every coupon of the order back.
    expect((await services.coupons.restoreForOrder(ctx, "big")).map((c) => c.status)).toEqual(["available", "available", "available"]);
  });
});
