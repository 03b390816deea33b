/**
 * Special functions the BG/NBD and Gamma-Gamma models need: ln Γ and the Gauss
 * hypergeometric function 2F1. Pure, no I/O.
 */

// Lanczos approximation, g = 7, n = 9 (relative error about 1e-15 for x > 0).
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LN_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0 (NaN otherwise). */
export function lnGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x < 0.5) {
    // Reflection keeps the approximation accurate near 0: Γ(x)Γ(1−x) = π / sin(πx).
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  }
  const y = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) sum += LANCZOS[i]! / (y + i);
  const t = y + 7.5;
  return HALF_LN_2PI + (y + 0.5) * Math.log(t) - t + Math.log(sum);
}

export interface Hyp2f1Options {
  /** Stop when a term is below this fraction of the running sum (default 1e-15). */
  tolerance?: number;
  /** Give up after this many terms (default 200,000). */
  maxTerms?: number;
}

/**
 * The Gauss hypergeometric function 2F1(a, b; c; z) by its power series, for −1 < z < 1.
 *
 *   2F1(a,b;c;z) = Σ_n (a)_n (b)_n / (c)_n · zⁿ / n!
 *
 * Terms are formed by their ratio (a+n)(b+n) / ((c+n)(n+1)) · z, so no factorial or Pochhammer
 * symbol is ever formed on its own. The series converges geometrically with rate |z|: about
 * 35 / −ln|z| terms for full precision (z = 0.99 needs a few thousand). It returns NaN rather than
 * a wrong number when it has not converged, when c is 0, −1, −2, …, or when a partial sum overflows.
 *
 * Overflow: when a and b are large and z is close to 1 the terms first grow like
 * (ab/c · z)ⁿ/n! before they decay, and the sum itself grows like (1 − z)^(c−a−b). In the BG/NBD
 * expectation a = r + x and b = b + x grow with the number of repeat purchases x, so the direct
 * series overflows for x in the hundreds with t ≫ α + T. Callers there use Euler's transformation
 * (see conditionalExpectedPurchases), whose series has bounded terms for any x.
 */
export function hyp2f1(a: number, b: number, c: number, z: number, options: Hyp2f1Options = {}): number {
  const tolerance = options.tolerance ?? 1e-15;
  const maxTerms = options.maxTerms ?? 200_000;
  if (!(Math.abs(z) < 1)) return Number.NaN;
  if (c <= 0 && Number.isInteger(c)) return Number.NaN;
  if (z === 0) return 1;
  let term = 1;
  let sum = 1;
  // The series must stay small for two consecutive terms before it is declared converged: a
  // term can be tiny by accident when a + n or b + n passes close to zero.
  let small = 0;
  for (let n = 0; n < maxTerms; n++) {
    const ratio = ((a + n) * (b + n)) / ((c + n) * (n + 1));
    term *= ratio * z;
    // A zero Pochhammer symbol (a or b a non-positive integer): the series terminates.
    if (term === 0) return sum;
    sum += term;
    if (!Number.isFinite(sum)) return Number.NaN;
    if (Math.abs(term) <= tolerance * Math.abs(sum)) {
      small++;
      if (small >= 2 && n > Math.abs(a) + Math.abs(b)) return sum;
    } else {
      small = 0;
    }
  }
  return Number.NaN;
}
