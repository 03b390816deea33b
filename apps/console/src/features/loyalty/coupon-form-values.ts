import type { CouponKind, CouponTemplateDto, CreateCouponTemplateInput } from "@siyu/contracts";

/** The template form in major units (元); the API takes minor units (分). */
export type CouponFormValues = {
  name: string;
  kind: CouponKind;
  amount?: number | null;
  percentOff?: number | null;
  cap?: number | null;
  threshold?: number | null;
  itemSku?: string | null;
  validityKind: "relative" | "fixed";
  days?: number | null;
  range?: string[];
  totalStock?: number | null;
  perMemberLimit?: number | null;
  perMemberDailyLimit?: number | null;
  storeIds?: string[];
  pointsCost?: number | null;
  includeSkus?: string[];
  includeCategories?: string[];
  excludeSkus?: string[];
  excludeCategories?: string[];
  stackable?: boolean;
  claimable?: boolean;
};

export const COUPON_FORM_FIELDS = ["name", "kind", "amount", "percentOff", "cap", "threshold", "itemSku", "days", "range", "totalStock", "perMemberLimit", "perMemberDailyLimit", "storeIds", "pointsCost", "stackable", "claimable"] as const;

export const EMPTY_COUPON_FORM: CouponFormValues = { name: "", kind: "fixed", validityKind: "relative", days: 30, perMemberLimit: 1, storeIds: [] };

const toMinor = (major: number | null | undefined, minorPerUnit: number) => (major === null || major === undefined ? null : Math.round(major * minorPerUnit));

export function couponFormToBody(v: CouponFormValues, minorPerUnit: number): CreateCouponTemplateInput {
  return {
    name: v.name,
    kind: v.kind,
    amountMinor: toMinor(v.amount, minorPerUnit),
    percentOff: v.percentOff ?? null,
    capMinor: toMinor(v.cap, minorPerUnit),
    thresholdMinor: toMinor(v.threshold, minorPerUnit),
    itemSku: v.itemSku ? v.itemSku : null,
    validity: v.validityKind === "relative" ? { kind: "relative", days: v.days ?? 0 } : { kind: "fixed", from: v.range?.[0] ?? "", until: v.range?.[1] ?? "" },
    totalStock: v.totalStock ?? null,
    perMemberLimit: v.perMemberLimit ?? null,
    perMemberDailyLimit: v.perMemberDailyLimit ?? null,
    storeIds: v.storeIds && v.storeIds.length > 0 ? v.storeIds : null,
    pointsCost: v.pointsCost ?? null,
    productScope: scopeOf(v),
    stackable: v.stackable ?? false,
    claimable: v.claimable ?? false,
  };
}

const listOrNull = (values: string[] | undefined) => (values && values.length > 0 ? values : null);

/** The four scope lists as the template's productScope; all empty = every product (null). */
function scopeOf(v: CouponFormValues): CreateCouponTemplateInput["productScope"] {
  const scope = {
    includeSkus: listOrNull(v.includeSkus),
    includeCategories: listOrNull(v.includeCategories),
    excludeSkus: v.excludeSkus ?? [],
    excludeCategories: v.excludeCategories ?? [],
  };
  const empty = scope.includeSkus === null && scope.includeCategories === null && scope.excludeSkus.length === 0 && scope.excludeCategories.length === 0;
  return empty ? null : scope;
}

/** An API error path (amountMinor, validity.days …) as the form field that holds it. */
export function formFieldOfPath(path: string): string {
  const map: Record<string, string> = {
    "productScope.includeSkus": "includeSkus",
    "productScope.includeCategories": "includeCategories",
    "productScope.excludeSkus": "excludeSkus",
    "productScope.excludeCategories": "excludeCategories",
    amountMinor: "amount", capMinor: "cap", thresholdMinor: "threshold", "validity.days": "days", "validity.until": "range", "validity.from": "range" };
  return map[path] ?? path;
}

export function describeValue(t: CouponTemplateDto, money: (minor: number) => string): string {
  switch (t.kind) {
    case "fixed":
      return `-${money(t.amountMinor ?? 0)}`;
    case "percent":
      return `-${t.percentOff}%${t.capMinor !== null ? ` ≤ ${money(t.capMinor)}` : ""}`;
    case "threshold":
      return `${money(t.thresholdMinor ?? 0)} -${money(t.amountMinor ?? 0)}`;
    case "free_item":
      return t.itemSku ?? "";
    case "shipping":
      return t.amountMinor !== null ? `≤ ${money(t.amountMinor)}` : "";
  }
}
