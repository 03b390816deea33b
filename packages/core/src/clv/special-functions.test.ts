import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hyp2f1, lnGamma } from "./special-functions";

describe("lnGamma", () => {
  it("matches factorials and Γ(1/2) = √π", () => {
    expect(lnGamma(1)).toBeCloseTo(0, 14);
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 13);
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    let ln170 = 0;
    for (let k = 2; k <= 170; k++) ln170 += Math.log(k);
    expect(lnGamma(171)).toBeCloseTo(ln170, 9);
    expect(lnGamma(1e-3)).toBeCloseTo(6.907178885383854, 12);
  });
  it("satisfies Γ(x+1) = xΓ(x)", () => {
    fc.assert(fc.property(fc.double({ min: 1e-3, max: 500, noNaN: true }), (x) => {
      expect(lnGamma(x + 1)).toBeCloseTo(Math.log(x) + lnGamma(x), 9);
    }));
  });
});

describe("hyp2f1", () => {
  it("matches closed forms", () => {
    for (const z of [-0.9, -0.3, 0.1, 0.5, 0.9, 0.99, 0.999]) {
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log(1 - z) / z, 10);
      expect(hyp2f1(2.5, 0.7, 0.7, z) / Math.pow(1 - z, -2.5)).toBeCloseTo(1, 10);
      expect(hyp2f1(0.5, 1, 1.5, z * z)).toBeCloseTo(Math.atanh(Math.abs(z)) / Math.abs(z), 10);
    }
  });
  it("terminates for a non-positive integer parameter", () => {
    // 2F1(−2, b; c; z) is a polynomial: 1 − 2bz/c + b(b+1)z²/(c(c+1)).
    expect(hyp2f1(-2, 3, 4, 0.5)).toBeCloseTo(1 - (2 * 3 * 0.5) / 4 + (3 * 4 * 0.25) / (4 * 5), 14);
  });
  it("returns NaN outside |z| < 1, at c = 0, −1, …, and when the partial sums overflow", () => {
    expect(hyp2f1(1, 1, 2, 1)).toBeNaN();
    expect(hyp2f1(1, 1, -2, 0.5)).toBeNaN();
    expect(hyp2f1(400, 402, 3, 0.999)).toBeNaN();
  });
  it("agrees with Euler's transformation (1−z)^(c−a−b)·2F1(c−a, c−b; c; z)", () => {
    fc.assert(fc.property(
      fc.double({ min: 0.05, max: 8, noNaN: true }),
      fc.double({ min: 0.05, max: 8, noNaN: true }),
      fc.double({ min: 0.1, max: 12, noNaN: true }),
      fc.double({ min: 0, max: 0.95, noNaN: true }),
      (a, b, c, z) => {
        const direct = hyp2f1(a, b, c, z);
        const euler = Math.pow(1 - z, c - a - b) * hyp2f1(c - a, c - b, c, z);
        expect(Math.abs(direct - euler)).toBeLessThanOrEqual(1e-8 * Math.max(1, Math.abs(direct)));
      },
    ), { numRuns: 300 });
  });
});
