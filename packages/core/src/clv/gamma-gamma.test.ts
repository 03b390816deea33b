import { describe, expect, it } from "vitest";
import { CDNOW_SAMPLE, datasetFile, readCdnowSample } from "./testing/clv-datasets";
import { simulateClv } from "./clv-simulate";
import { conditionalExpectedOrderValue, fitGammaGamma, gammaGammaLogLikelihood, isGammaGammaEligible, type GammaGammaParams } from "./gamma-gamma";
import { dayNumberOf, summariseTransactions } from "./rfm-summary";

describe("Gamma-Gamma on the CDNOW sample", () => {
  it("fits the published p ≈ 6.25, q ≈ 3.74, γ ≈ 15.44 on the 946 calibration repeaters", (ctx) => {
    const file = datasetFile(CDNOW_SAMPLE);
    if (!file) return ctx.skip();
    const rows = summariseTransactions(readCdnowSample(file), dayNumberOf("1997-09-30")!, "week").filter(isGammaGammaEligible);
    expect(rows).toHaveLength(946);
    const fit = fitGammaGamma(rows);
    expect(fit.converged).toBe(true);
    expect(fit.p).toBeCloseTo(6.25, 2);
    expect(fit.q).toBeCloseTo(3.74, 2);
    expect(fit.gamma).toBeCloseTo(15.44, 1);
  });
});

describe("conditionalExpectedOrderValue", () => {
  const params: GammaGammaParams = { p: 6.25, q: 3.74, gamma: 15.44 };
  it("shrinks a customer's mean towards the population mean, less so with more purchases", () => {
    const population = (6.25 * 15.44) / 2.74;
    expect(conditionalExpectedOrderValue(params, 0, null)).toBeCloseTo(population, 10);
    const one = conditionalExpectedOrderValue(params, 1, 100)!;
    const ten = conditionalExpectedOrderValue(params, 10, 100)!;
    expect(one).toBeGreaterThan(population);
    expect(one).toBeLessThan(ten);
    expect(ten).toBeLessThan(100);
  });
  it("has no value when q ≤ 1 (the population mean does not exist)", () => {
    expect(conditionalExpectedOrderValue({ p: 2, q: 0.9, gamma: 10 }, 0, null)).toBeNull();
  });
});

describe("Gamma-Gamma recovers known parameters from simulated data", () => {
  // The repeaters among 10,000 simulated customers (about 4,800). Tolerance: within 3.5 standard
  // errors (observed information) of the truth; seeds 1–5 gave |z| ≤ 1.9, standard errors are
  // about 8 % (p), 3 % (q) and 11 % (γ) of the estimates.
  const truth: GammaGammaParams = { p: 6, q: 4, gamma: 15 };
  it("within 3.5 standard errors", () => {
    const sim = simulateClv({ bgNbd: { r: 0.25, alpha: 4, a: 0.8, b: 2.5 }, gammaGamma: truth, customers: 10_000, minT: 30, maxT: 78, seed: 2 });
    const repeaters = sim.filter(isGammaGammaEligible);
    expect(repeaters.length).toBeGreaterThan(4000);
    const fit = fitGammaGamma(repeaters);
    expect(fit.converged).toBe(true);
    for (const k of ["p", "q", "gamma"] as const) {
      expect(Math.abs(fit[k] - truth[k])).toBeLessThan(3.5 * fit.standardErrors![k]);
      expect(fit.standardErrors![k] / fit[k]).toBeLessThan(0.15);
    }
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(gammaGammaLogLikelihood(truth, repeaters));
  }, 60_000);
});
