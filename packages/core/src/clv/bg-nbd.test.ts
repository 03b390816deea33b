import { describe, expect, it } from "vitest";
import { bgNbdLogLikelihood, conditionalExpectedPurchases, fitBgNbd, nextPurchaseWindow, probabilityAlive, type BgNbdParams } from "./bg-nbd";
import { CDNOW_SAMPLE, datasetFile, readCdnowSample } from "./testing/clv-datasets";
import { simulateClv } from "./clv-simulate";
import { dayNumberOf, summariseTransactions } from "./rfm-summary";
import { lnGamma } from "./special-functions";

// Published for the CDNOW sample, weeks, calibration 1997-01-01 … 1997-09-30 (Fader, Hardie & Lee 2005, table 1).
const PUBLISHED: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

/**
 * E[Y(t) | data] by quadrature instead of the 2F1 formula: given alive, λ ~ Gamma(r+x, α+T) and
 * p ~ Beta(a, b+x) independently, and E[Y(t) | λ, p, alive] = (1 − e^(−λpt))/p; integrating λ out
 * leaves a one-dimensional integral over p (substituting p = u^(1/a) removes the p^(a−1) singularity).
 */
function expectedPurchasesByQuadrature(p: BgNbdParams, c: { x: number; tx: number; T: number }, t: number): number {
  const { r, alpha, a, b } = p;
  const n = 100_000;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const u = (i + 0.5) / n;
    const q = Math.pow(u, 1 / a);
    sum += ((1 - Math.pow((alpha + c.T) / (alpha + c.T + q * t), r + c.x)) / q) * Math.pow(1 - q, b + c.x - 1);
  }
  const beta = Math.exp(lnGamma(a) + lnGamma(b + c.x) - lnGamma(a + b + c.x));
  return (probabilityAlive(p, c) * sum) / (a * n) / beta;
}

describe("BG/NBD on the CDNOW sample", () => {
  it("fits the published parameters and log-likelihood", (ctx) => {
    const file = datasetFile(CDNOW_SAMPLE);
    if (!file) return ctx.skip();
    const fit = fitBgNbd(summariseTransactions(readCdnowSample(file), dayNumberOf("1997-09-30")!, "week"));
    expect(fit.converged).toBe(true);
    expect(fit.r).toBeCloseTo(PUBLISHED.r, 3);
    expect(fit.alpha).toBeCloseTo(PUBLISHED.alpha, 3);
    expect(fit.a).toBeCloseTo(PUBLISHED.a, 3);
    expect(fit.b).toBeCloseTo(PUBLISHED.b, 3);
    expect(fit.logLikelihood).toBeCloseTo(-9582.4, 1);
  });
});

describe("BG/NBD predictions", () => {
  const c1 = { x: 2, tx: 30.43, T: 38.86 };
  it("matches Hardie's spreadsheet: E[Y(39)] = 1.226 for x=2, t_x=30.43, T=38.86", () => {
    expect(conditionalExpectedPurchases(PUBLISHED, c1, 39)).toBeCloseTo(1.226, 3);
  });
  it("agrees with direct integration over the posterior, one-time and heavy buyers alike", () => {
    for (const c of [c1, { x: 0, tx: 0, T: 38.86 }, { x: 26, tx: 30.86, T: 31 }, { x: 5, tx: 2, T: 60 }]) {
      for (const t of [1, 13, 52, 200]) {
        const formula = conditionalExpectedPurchases(PUBLISHED, c, t);
        expect(Math.abs(formula - expectedPurchasesByQuadrature(PUBLISHED, c, t))).toBeLessThan(1e-6 * Math.max(1, formula));
      }
    }
  });
  it("stays finite for customers with hundreds of purchases over long horizons", () => {
    const heavy = { x: 500, tx: 51.9, T: 52 };
    const e = conditionalExpectedPurchases(PUBLISHED, heavy, 1000);
    expect(Number.isFinite(e)).toBe(true);
    expect(e).toBeGreaterThan(500);
  });
  it("P(alive) is 1 without repeat purchases and falls as the last purchase recedes", () => {
    expect(probabilityAlive(PUBLISHED, { x: 0, tx: 0, T: 30 })).toBe(1);
    const recent = probabilityAlive(PUBLISHED, { x: 4, tx: 29, T: 30 });
    const old = probabilityAlive(PUBLISHED, { x: 4, tx: 5, T: 30 });
    expect(recent).toBeGreaterThan(old);
    expect(old).toBeGreaterThan(0);
  });
  it("the next-purchase window holds the central half of the Lomax wait", () => {
    const c = { x: 4, tx: 29, T: 30 };
    const w = nextPurchaseWindow(PUBLISHED, c);
    const survival = (t: number): number => Math.pow((PUBLISHED.alpha + c.T) / (PUBLISHED.alpha + c.T + t), PUBLISHED.r + c.x);
    expect(survival(w.from)).toBeCloseTo(0.75, 10);
    expect(survival(w.median)).toBeCloseTo(0.5, 10);
    expect(survival(w.to)).toBeCloseTo(0.25, 10);
  });
});

describe("BG/NBD recovers known parameters from simulated data", () => {
  // 10,000 customers observed 30–78 weeks. Tolerance: every estimate within 3.5 standard errors
  // (observed information) of the truth. Seeds 1–5 gave |z| ≤ 2.3 for every parameter, and the
  // standard errors are 2 % (r), 4 % (α), 8 % (a) and 11 % (b) of the estimates.
  const truth: BgNbdParams = { r: 0.25, alpha: 4, a: 0.8, b: 2.5 };
  it("within 3.5 standard errors, with standard errors below 15 %", () => {
    const sim = simulateClv({ bgNbd: truth, gammaGamma: { p: 6, q: 4, gamma: 15 }, customers: 10_000, minT: 30, maxT: 78, seed: 1 });
    const fit = fitBgNbd(sim);
    expect(fit.converged).toBe(true);
    const se = fit.standardErrors!;
    for (const k of ["r", "alpha", "a", "b"] as const) {
      expect(Math.abs(fit[k] - truth[k])).toBeLessThan(3.5 * se[k]);
      expect(se[k] / fit[k]).toBeLessThan(0.15);
    }
    // The fitted likelihood is at least that of the truth (it is the maximum).
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(bgNbdLogLikelihood(truth, sim));
  }, 60_000);
});
