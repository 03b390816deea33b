import { describe, expect, it } from "vitest";
import { invertMatrix, minimise, numericHessian } from "./nelder-mead";

describe("minimise", () => {
  it("finds the minimum of the Rosenbrock function in 4 dimensions", () => {
    const rosenbrock = (x: readonly number[]): number => {
      let s = 0;
      for (let i = 0; i < x.length - 1; i++) s += 100 * (x[i + 1]! - x[i]! ** 2) ** 2 + (1 - x[i]!) ** 2;
      return s;
    };
    const result = minimise(rosenbrock, [[-1.2, 1, -0.5, 0.8]]);
    for (const v of result.x) expect(v).toBeCloseTo(1, 4);
    expect(result.converged).toBe(true);
  });
  it("treats NaN as +∞ and is deterministic", () => {
    const f = (x: readonly number[]): number => (x[0]! < 0 ? Number.NaN : (x[0]! - 2) ** 2 + (x[1]! + 1) ** 2);
    const a = minimise(f, [[1, 1]]);
    const b = minimise(f, [[1, 1]]);
    expect(a.x[0]).toBeCloseTo(2, 5);
    expect(a.x[1]).toBeCloseTo(-1, 5);
    expect(b).toEqual(a);
  });
});

describe("numericHessian and invertMatrix", () => {
  it("recover the covariance of a quadratic form", () => {
    const f = (x: readonly number[]): number => 2 * x[0]! ** 2 + x[0]! * x[1]! + 3 * x[1]! ** 2;
    const H = numericHessian(f, [0.3, -0.2]);
    expect(H[0]![0]).toBeCloseTo(4, 4);
    expect(H[0]![1]).toBeCloseTo(1, 4);
    expect(H[1]![1]).toBeCloseTo(6, 4);
    const inv = invertMatrix(H)!;
    expect(inv[0]![0]).toBeCloseTo(6 / 23, 4);
    expect(inv[0]![1]).toBeCloseTo(-1 / 23, 4);
    expect(invertMatrix([[1, 2], [2, 4]])).toBeUndefined();
  });
});
