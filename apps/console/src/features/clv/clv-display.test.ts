import { describe, expect, it } from "vitest";
import { clvCardState, formatExpectedCount, formatProbability, toMinor } from "./clv-display";

const prediction = {
  pAlive: 0.5,
  expectedPurchases: { d90: 1, d180: 2, d365: 3 },
  expectedOrderValue: 10,
  expectedValue: { d90: 10, d180: 20, d365: 30 },
  nextPurchaseFrom: null,
  nextPurchaseTo: null,
  computedAt: "2026-06-30T00:00:00.000Z",
};

describe("clvCardState", () => {
  it("shows the prediction when there is one, and says why when there is none", () => {
    expect(clvCardState({ modelStatus: "fitted", prediction })).toBe("prediction");
    expect(clvCardState({ modelStatus: "fitted", prediction: null })).toBe("no_orders");
    expect(clvCardState({ modelStatus: "insufficient_data", prediction: null })).toBe("insufficient_data");
    expect(clvCardState({ modelStatus: "not_fitted", prediction: null })).toBe("not_fitted");
    expect(clvCardState({ modelStatus: "fit_failed", prediction: null })).toBe("fit_failed");
  });
});

describe("formatting", () => {
  it("shows probabilities as percentages, small ones with a decimal", () => {
    expect(formatProbability(0.8734, "en")).toBe("87%");
    expect(formatProbability(0.0042, "en")).toBe("0.4%");
    expect(formatProbability(0, "en")).toBe("0%");
  });
  it("shows expected counts with two decimals, one past ten", () => {
    expect(formatExpectedCount(0.3712, "en")).toBe("0.37");
    expect(formatExpectedCount(12.44, "en")).toBe("12.4");
  });
  it("converts major to minor units", () => {
    expect(toMinor(35.17, 2)).toBe(3517);
    expect(toMinor(12, 0)).toBe(12);
    expect(toMinor(null, 2)).toBeNull();
    expect(toMinor(Number.NaN, 2)).toBeNull();
  });
});
