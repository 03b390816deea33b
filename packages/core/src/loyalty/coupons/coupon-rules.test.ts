import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { OrderLine } from "@siyu/contracts";
import { applicationOrder, discountsOf, inScope, type CouponTerms } from "./coupon-rules";

const terms = (t: Partial<CouponTerms> & Pick<CouponTerms, "kind">): CouponTerms => ({
  amountMinor: null,
  percentOff: null,
  capMinor: null,
  thresholdMinor: null,
  itemSku: null,
  productScope: null,
  ...t,
});
const scope = (s: Partial<NonNullable<CouponTerms["productScope"]>>) => ({ includeSkus: null, includeCategories: null, excludeSkus: [], excludeCategories: [], ...s });

describe("coupon rules", () => {
  it("judges a line in scope by the include lists (either names it) and then the exclude lists", () => {
    const tea = { sku: "TEA-1", category: "tea" };
    expect(inScope(null, tea)).toBe(true);
    expect(inScope(scope({}), tea)).toBe(true);
    expect(inScope(scope({ includeSkus: ["X"], includeCategories: ["tea"] }), tea)).toBe(true);
    expect(inScope(scope({ includeSkus: ["X"] }), tea)).toBe(false);
    expect(inScope(scope({ includeCategories: ["tea"], excludeSkus: ["TEA-1"] }), tea)).toBe(false);
    expect(inScope(scope({ excludeCategories: ["tea"] }), tea)).toBe(false);
    // An order without lines: unknown products, only an unscoped coupon applies.
    expect(inScope(scope({ excludeCategories: ["tea"] }), { sku: null, category: null })).toBe(false);
  });

  it("applies the free item, then amounts off, then percents, then shipping; ties keep their order", () => {
    const kinds = applicationOrder(
      (["shipping", "percent", "fixed", "free_item", "threshold"] as const).map((kind) => ({ terms: terms({ kind }) })),
    ).map((c) => c.terms.kind);
    expect(kinds).toEqual(["free_item", "fixed", "threshold", "percent", "shipping"]);
  });

  it("never takes more off the order than it costs, nor any line below zero", () => {
    const line = fc.record({
      sku: fc.constantFrom("A", "B", "C"),
      category: fc.constantFrom("tea", "cake", null),
      priceMinor: fc.integer({ min: 0, max: 5000 }),
      quantity: fc.integer({ min: 1, max: 3 }),
    });
    const coupon = fc.record({
      kind: fc.constantFrom("fixed", "percent", "threshold", "free_item"),
      amountMinor: fc.integer({ min: 1, max: 20000 }),
      percentOff: fc.integer({ min: 1, max: 99 }),
      capMinor: fc.option(fc.integer({ min: 1, max: 5000 })),
      itemSku: fc.constantFrom("A", "B"),
      productScope: fc.option(fc.record({ includeCategories: fc.option(fc.constant<string[]>(["tea"])), excludeSkus: fc.constantFrom<string[][]>([], ["C"]) })),
    });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 5 }), fc.array(coupon, { minLength: 1, maxLength: 4 }), (lines: OrderLine[], raw) => {
        const total = lines.reduce((s, l) => s + l.priceMinor * l.quantity, 0);
        const coupons = applicationOrder(
          raw.map((c, i) => ({ code: `C${i}`, terms: terms({ ...c, thresholdMinor: null, productScope: c.productScope && scope(c.productScope) }) })),
        );
        let discounts: number[];
        try {
          discounts = discountsOf({ totalMinor: total, lines, roomMinor: total }, coupons);
        } catch (error) {
          expect((error as { code: string }).code).toBe("loyalty.not_applicable");
          return;
        }
        expect(discounts.every((d) => d >= 0)).toBe(true);
        expect(discounts.reduce((s, d) => s + d, 0)).toBeLessThanOrEqual(total);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps an order sent without lines working as before: fixed, percent with cap, threshold on the total", () => {
    const order = { totalMinor: 10000, lines: null, roomMinor: 10000 };
    const on = (t: CouponTerms) => discountsOf(order, [{ code: "X", terms: t }])[0];
    expect(on(terms({ kind: "fixed", amountMinor: 20000 }))).toBe(10000);
    expect(on(terms({ kind: "percent", percentOff: 15, capMinor: 1000 }))).toBe(1000);
    expect(on(terms({ kind: "threshold", amountMinor: 2000, thresholdMinor: 10000 }))).toBe(2000);
    expect(on(terms({ kind: "free_item", itemSku: "CUP" }))).toBe(0);
    expect(() => on(terms({ kind: "threshold", amountMinor: 2000, thresholdMinor: 10001 }))).toThrow(/needs 10001/);
  });
});
