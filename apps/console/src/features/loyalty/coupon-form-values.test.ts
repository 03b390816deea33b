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
      claimable: false,
    });
  });

  it("maps API error paths to the form's fields", () => {
    expect(formFieldOfPath("amountMinor")).toBe("amount");
    expect(formFieldOfPath("validity.until")).toBe("range");
    expect(formFieldOfPath("name")).toBe("name");
  });
});
