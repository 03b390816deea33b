import { describe, expect, it } from "vitest";
import { couponFormToBody, formFieldOfPath } from "./coupon-form-values";

describe("coupon template form", () => {
  it("sends minor units and a validity the API accepts", () => {
    expect(couponFormToBody({ name: "满100减20", kind: "threshold", amount: 20, threshold: 100, validityKind: "relative", days: 7, perMemberLimit: 1, storeIds: [] }, 100)).toEqual({
      name: "满100减20",
      kind: "threshold",
      amountMinor: 2000,
      percentOff: null,
      capMinor: null,
      thresholdMinor: 10000,
      itemSku: null,
      validity: { kind: "relative", days: 7 },
      totalStock: null,
      perMemberLimit: 1,
      perMemberDailyLimit: null,
      storeIds: null,
      pointsCost: null,
      productScope: null,
      stackable: false,
      claimable: false,
    });
  });

  it("sends the product scope only when a list is set, and the stacking switch", () => {
    const body = couponFormToBody(
      { name: "Tea 20%", kind: "percent", percentOff: 20, validityKind: "relative", days: 7, includeCategories: ["tea"], excludeSkus: ["TEA-GIFTBOX"], includeSkus: [], stackable: true },
      100,
    );
    expect(body).toMatchObject({ productScope: { includeSkus: null, includeCategories: ["tea"], excludeSkus: ["TEA-GIFTBOX"], excludeCategories: [] }, stackable: true });
  });

  it("maps API error paths to the form's fields", () => {
    expect(formFieldOfPath("amountMinor")).toBe("amount");
    expect(formFieldOfPath("validity.until")).toBe("range");
    expect(formFieldOfPath("name")).toBe("name");
  });
});
