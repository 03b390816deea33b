/**
 * Nelder–Mead minimisation with restarts, and a finite-difference Hessian for standard errors.
 * Deterministic: the same objective and start give the same answer.
 */

export interface MinimiseOptions {
  /** Initial simplex edge length in each coordinate (default 0.5). */
  step?: number;
  /** Converged when the spread of function values across the simplex is below this (default 1e-10, relative + absolute). */
  tolerance?: number;
  /** Iterations per run (default 5,000 × dimensions). */
  maxIterations?: number;
  /** Restarts from the best point with a fresh simplex until one no longer improves (default up to 8). */
  maxRestarts?: number;
}

export interface MinimiseResult {
  x: number[];
  value: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
}

/**
 * Minimises f from each start (NaN and ±∞ count as +∞, so a start may sit where f is undefined
 * only if the simplex finds its way out), restarting at the best point until a restart gains
 * nothing; returns the best of all starts.
 */
export function minimise(f: (x: readonly number[]) => number, starts: readonly (readonly number[])[], options: MinimiseOptions = {}): MinimiseResult {
  let best: MinimiseResult | undefined;
  for (const start of starts) {
    let result = nelderMead(f, start, options);
    let iterations = result.iterations;
    let evaluations = result.evaluations;
    for (let r = 0; r < (options.maxRestarts ?? 8); r++) {
      const again = nelderMead(f, result.x, options);
      iterations += again.iterations;
      evaluations += again.evaluations;
      const gained = result.value - again.value;
      if (again.value < result.value) result = again;
      if (!(gained > 1e-9 * (1 + Math.abs(result.value)))) break;
    }
    result = { ...result, iterations, evaluations };
    if (!best || result.value < best.value) best = result;
  }
  if (!best) throw new Error("minimise needs at least one start");
  return best;
}

function nelderMead(fn: (x: readonly number[]) => number, start: readonly number[], options: MinimiseOptions): MinimiseResult {
  const n = start.length;
  const step = options.step ?? 0.5;
  const tolerance = options.tolerance ?? 1e-10;
  const maxIterations = options.maxIterations ?? 5000 * n;
  let evaluations = 0;
  const f = (x: readonly number[]): number => {
    evaluations++;
    const v = fn(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  // Standard coefficients adapted to the dimension (Gao & Han 2012), better past 2 dimensions.
  const alpha = 1;
  const beta = 1 + 2 / n;
  const gamma = 0.75 - 1 / (2 * n);
  const delta = 1 - 1 / n;

  const points: number[][] = [start.slice()];
  for (let i = 0; i < n; i++) {
    const p = start.slice();
    p[i] = p[i]! + step;
    points.push(p);
  }
  const values = points.map(f);
  let iterations = 0;
  let converged = false;
  const order = (): void => {
    const idx = points.map((_, i) => i).sort((i, j) => values[i]! - values[j]!);
    const ps = idx.map((i) => points[i]!);
    const vs = idx.map((i) => values[i]!);
    for (let i = 0; i <= n; i++) {
      points[i] = ps[i]!;
      values[i] = vs[i]!;
    }
  };
  const along = (centroid: number[], worst: number[], t: number): number[] => centroid.map((c, i) => c + t * (c - worst[i]!));

  while (iterations < maxIterations) {
    order();
    const lo = values[0]!;
    const hi = values[n]!;
    if (Number.isFinite(hi) && Math.abs(hi - lo) <= tolerance * (1 + Math.abs(lo))) {
      let size = 0;
      for (let i = 1; i <= n; i++) for (let j = 0; j < n; j++) size = Math.max(size, Math.abs(points[i]![j]! - points[0]![j]!));
      if (size < 1e-7) {
        converged = true;
        break;
      }
    }
    iterations++;
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] = centroid[j]! + points[i]![j]! / n;
    const worst = points[n]!;
    const reflected = along(centroid, worst, alpha);
    const fr = f(reflected);
    if (fr < values[0]!) {
      const expanded = along(centroid, worst, alpha * beta);
      const fe = f(expanded);
      if (fe < fr) {
        points[n] = expanded;
        values[n] = fe;
      } else {
        points[n] = reflected;
        values[n] = fr;
      }
      continue;
    }
    if (fr < values[n - 1]!) {
      points[n] = reflected;
      values[n] = fr;
      continue;
    }
    const outside = fr < values[n]!;
    const contracted = along(centroid, worst, outside ? alpha * gamma : -gamma);
    const fc = f(contracted);
    if (fc < (outside ? fr : values[n]!)) {
      points[n] = contracted;
      values[n] = fc;
      continue;
    }
    for (let i = 1; i <= n; i++) {
      points[i] = points[i]!.map((v, j) => points[0]![j]! + delta * (v - points[0]![j]!));
      values[i] = f(points[i]!);
    }
  }
  order();
  return { x: points[0]!, value: values[0]!, iterations, evaluations, converged };
}

/** The Hessian of f at x by central differences (step h relative to 1 + |xᵢ|). */
export function numericHessian(f: (x: readonly number[]) => number, x: readonly number[], h = 1e-4): number[][] {
  const n = x.length;
  const at = (d: readonly (readonly [number, number])[]): number => {
    const p = x.slice();
    for (const [i, s] of d) p[i] = p[i]! + s;
    return f(p);
  };
  const hs = x.map((v) => h * (1 + Math.abs(v)));
  const f0 = f(x);
  const H: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    const hi = hs[i]!;
    H[i]![i] = (at([[i, hi]]) - 2 * f0 + at([[i, -hi]])) / (hi * hi);
    for (let j = i + 1; j < n; j++) {
      const hj = hs[j]!;
      const v = (at([[i, hi], [j, hj]]) - at([[i, hi], [j, -hj]]) - at([[i, -hi], [j, hj]]) + at([[i, -hi], [j, -hj]])) / (4 * hi * hj);
      H[i]![j] = v;
      H[j]![i] = v;
    }
  }
  return H;
}

/** Inverse of a small symmetric positive-definite matrix by Gauss–Jordan; undefined when singular. */
export function invertMatrix(m: readonly (readonly number[])[]): number[][] | undefined {
  const n = m.length;
  const a = m.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    if (!(Math.abs(a[pivot]![col]!) > 1e-300)) return undefined;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const p = a[col]![col]!;
    for (let j = 0; j < 2 * n; j++) a[col]![j] = a[col]![j]! / p;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const factor = a[r]![col]!;
      if (factor === 0) continue;
      for (let j = 0; j < 2 * n; j++) a[r]![j] = a[r]![j]! - factor * a[col]![j]!;
    }
  }
  return a.map((row) => row.slice(n));
}
