import type { CouponKind, OrderLine, ProductScope } from "@siyu/contracts";
import { loyaltyErrors } from "../loyalty.errors";

/** What the discount rules read of a template. Money in minor units. */
export interface CouponTerms {
  kind: CouponKind;
  amountMinor: number | null;
  percentOff: number | null;
  capMinor: number | null;
  thresholdMinor: number | null;
  itemSku: string | null;
  productScope: ProductScope | null;
}

/** An order line as the rules see it; `sku` null is the whole order sent without lines (unknown products). */
interface Line {
  sku: string | null;
  category: string | null;
  priceMinor: number;
  amountMinor: number;
  /** What is left of the line after the coupons applied so far. */
  remaining: number;
}

/** A line is in scope when an include list names it (no include list = every line) and no exclude list does. */
export function inScope(scope: ProductScope | null, line: { sku: string | null; category: string | null }): boolean {
  if (scope === null) return true;
  // Without lines the products are unknown: only a coupon for every product applies.
  if (line.sku === null) return false;
  const included =
    (scope.includeSkus === null && scope.includeCategories === null) ||
    (scope.includeSkus?.includes(line.sku) ?? false) ||
    (line.category !== null && (scope.includeCategories?.includes(line.category) ?? false));
  return included && !scope.excludeSkus.includes(line.sku) && !(line.category !== null && scope.excludeCategories.includes(line.category));
}

// Order of application: the free item first (its unit is taken out of the order), then amounts off
// (threshold 满减 and fixed), then percent off what they left, shipping last (it is not on products).
const RANK: Record<CouponKind, number> = { free_item: 0, threshold: 1, fixed: 1, percent: 2, shipping: 3 };

/** Sorts coupons into the order they are applied in; stable for coupons of the same rank. */
export function applicationOrder<T extends { terms: CouponTerms }>(coupons: T[]): T[] {
  return coupons.map((c, i) => ({ c, i })).sort((a, b) => RANK[a.c.terms.kind] - RANK[b.c.terms.kind] || a.i - b.i).map((x) => x.c);
}

/** Takes `amount` off the lines in proportion to what is left of each (largest remainder), never below zero. */
function takeFrom(lines: Line[], amount: number): void {
  const total = lines.reduce((s, l) => s + l.remaining, 0);
  if (amount <= 0 || total <= 0) return;
  const shares = lines.map((l) => Math.floor((amount * l.remaining) / total));
  let left = amount - shares.reduce((s, n) => s + n, 0);
  for (let i = 0; left > 0 && i < lines.length; i++) {
    if (lines[i]!.remaining > shares[i]!) {
      shares[i]! += 1;
      left -= 1;
    }
  }
  lines.forEach((l, i) => (l.remaining -= shares[i]!));
}

/**
 * The discount of each coupon on one order, applied together in `applicationOrder` (the caller sorts).
 * Thresholds are judged on the eligible subtotal before any coupon; amounts and percents apply to what
 * earlier coupons left of the eligible lines; product discounts together never exceed `roomMinor` (the
 * order total less the coupons already redeemed on it). Throws loyalty.not_applicable (no eligible
 * line, or the free item not in the order) and loyalty.threshold_not_met, naming the coupon's code.
 */
export function discountsOf(
  order: { totalMinor: number; lines: OrderLine[] | null; roomMinor: number },
  coupons: { code: string; terms: CouponTerms }[],
): number[] {
  const lines: Line[] =
    order.lines === null
      ? [{ sku: null, category: null, priceMinor: order.totalMinor, amountMinor: order.totalMinor, remaining: order.totalMinor }]
      : order.lines.map((l) => ({ sku: l.sku, category: l.category, priceMinor: l.priceMinor, amountMinor: l.priceMinor * l.quantity, remaining: l.priceMinor * l.quantity }));
  let room = order.roomMinor;
  return coupons.map(({ code, terms: t }) => {
    const eligible = lines.filter((l) => inScope(t.productScope, l));
    if (eligible.length === 0) {
      throw loyaltyErrors.error("loyalty.not_applicable", `Coupon ${code} applies to none of the order's products`, { code, productScope: t.productScope });
    }
    const subtotal = eligible.reduce((s, l) => s + l.amountMinor, 0);
    if (t.thresholdMinor !== null && subtotal < t.thresholdMinor) {
      throw loyaltyErrors.error("loyalty.threshold_not_met", `Coupon ${code} needs ${t.thresholdMinor} (minor units) of eligible products; the order has ${subtotal}`, {
        code,
        thresholdMinor: t.thresholdMinor,
        eligibleMinor: subtotal,
      });
    }
    const left = eligible.reduce((s, l) => s + l.remaining, 0);
    let discount: number;
    switch (t.kind) {
      case "shipping":
        return t.amountMinor ?? 0;
      case "free_item": {
        // Without lines the till hands the item out and nothing is taken off the order.
        if (order.lines === null) return 0;
        const line = lines.find((l) => l.sku === t.itemSku && l.remaining > 0);
        if (!line) throw loyaltyErrors.error("loyalty.not_applicable", `Coupon ${code} gives ${t.itemSku ?? "an item"}, which is not in the order`, { code, itemSku: t.itemSku });
        discount = Math.min(line.priceMinor, line.remaining, room);
        line.remaining -= discount;
        room -= discount;
        return discount;
      }
      case "fixed":
      case "threshold":
        discount = Math.min(t.amountMinor ?? 0, left, room);
        break;
      case "percent": {
        const off = Math.floor((left * (t.percentOff ?? 0)) / 100);
        discount = Math.min(t.capMinor === null ? off : Math.min(off, t.capMinor), room);
        break;
      }
    }
    takeFrom(eligible, discount);
    room -= discount;
    return discount;
  });
}
