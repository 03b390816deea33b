/**
 * The BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way: an
 * alternative to the Pareto/NBD model", Marketing Science 24(2)):
 *
 * - while alive, a customer buys as a Poisson process with rate λ; λ ~ Gamma(r, α) across customers;
 * - after each repeat purchase the customer drops out with probability p; p ~ Beta(a, b).
 *
 * Per customer with x repeat purchases, the last at t_x, observed for T (all from the first purchase):
 *
 *   L = B(a, b + x)/B(a, b) · Γ(r + x) α^r / Γ(r) · [ 1/(α+T)^(r+x) + δ(x>0) · a/(b+x−1) · 1/(α+t_x)^(r+x) ]
 *
 * (equation 6 of the paper, rewritten as in its appendix so that Beta functions become ratios).
 */
import { invertMatrix, minimise, numericHessian } from "./nelder-mead";
import { hyp2f1, lnGamma } from "./special-functions";

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface RecencyFrequency {
  x: number;
  tx: number;
  T: number;
}

export interface BgNbdFit extends BgNbdParams {
  logLikelihood: number;
  customers: number;
  converged: boolean;
  /** Asymptotic standard errors from the observed information (inverse Hessian of −LL); undefined when it is singular. */
  standardErrors?: BgNbdParams;
}

/** Customers with the same (x, t_x, T) contribute the same term: the likelihood runs over the distinct triples. */
interface Grouped {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  weight: Float64Array;
  /** Index of each group's x in `distinctX`: the Γ terms depend on x only, so they are computed once per distinct x. */
  xIndex: Uint32Array;
  distinctX: Float64Array;
  count: number;
}

function group(data: readonly RecencyFrequency[]): Grouped {
  const map = new Map<string, { x: number; tx: number; T: number; w: number }>();
  for (const d of data) {
    const key = `${d.x}|${d.tx}|${d.T}`;
    const g = map.get(key);
    if (g) g.w++;
    else map.set(key, { x: d.x, tx: d.tx, T: d.T, w: 1 });
  }
  const n = map.size;
  const distinct = [...new Set([...map.values()].map((g) => g.x))].sort((a, b) => a - b);
  const position = new Map(distinct.map((x, i) => [x, i]));
  const out: Grouped = {
    x: new Float64Array(n),
    tx: new Float64Array(n),
    T: new Float64Array(n),
    weight: new Float64Array(n),
    xIndex: new Uint32Array(n),
    distinctX: Float64Array.from(distinct),
    count: data.length,
  };
  let i = 0;
  for (const g of map.values()) {
    out.x[i] = g.x;
    out.tx[i] = g.tx;
    out.T[i] = g.T;
    out.weight[i] = g.w;
    out.xIndex[i] = position.get(g.x)!;
    i++;
  }
  return out;
}

function logLikelihoodGrouped(p: BgNbdParams, g: Grouped): number {
  const { r, alpha, a, b } = p;
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return Number.NaN;
  const lnGr = lnGamma(r);
  const lnGb = lnGamma(b);
  const lnGab = lnGamma(a + b);
  const rLnAlpha = r * Math.log(alpha);
  const lnA = Math.log(a);
  // A1 + A2 = ln[Γ(r+x) α^r / Γ(r)] + ln[B(a, b+x) / B(a, b)], per distinct x.
  const gammaTerms = new Float64Array(g.distinctX.length);
  for (let k = 0; k < g.distinctX.length; k++) {
    const x = g.distinctX[k]!;
    gammaTerms[k] = lnGamma(r + x) - lnGr + rLnAlpha + lnGab + lnGamma(b + x) - lnGb - lnGamma(a + b + x);
  }
  let total = 0;
  for (let i = 0; i < g.x.length; i++) {
    const x = g.x[i]!;
    const A3 = -(r + x) * Math.log(alpha + g.T[i]!);
    let tail = A3;
    if (x > 0) {
      const A4 = lnA - Math.log(b + x - 1) - (r + x) * Math.log(alpha + g.tx[i]!);
      const hi = Math.max(A3, A4);
      tail = hi + Math.log(Math.exp(A3 - hi) + Math.exp(A4 - hi));
    }
    total += g.weight[i]! * (gammaTerms[g.xIndex[i]!]! + tail);
  }
  return total;
}

/** The BG/NBD log-likelihood of the data (the sum over customers). */
export function bgNbdLogLikelihood(params: BgNbdParams, data: readonly RecencyFrequency[]): number {
  return logLikelihoodGrouped(params, group(data));
}

const fromLog = (v: readonly number[]): BgNbdParams => ({ r: Math.exp(v[0]!), alpha: Math.exp(v[1]!), a: Math.exp(v[2]!), b: Math.exp(v[3]!) });

/**
 * Maximum-likelihood fit by Nelder–Mead on the log-parameters (so every candidate is positive),
 * from a few fixed starts with restarts; deterministic.
 */
export function fitBgNbd(data: readonly RecencyFrequency[]): BgNbdFit {
  if (data.length === 0) throw new Error("fitBgNbd needs at least one customer");
  const g = group(data);
  let meanT = 0;
  for (const d of data) meanT += d.T;
  meanT /= data.length;
  const objective = (v: readonly number[]): number => -logLikelihoodGrouped(fromLog(v), g) / g.count;
  const scale = Math.log(Math.max(meanT, 1e-6));
  const starts = [
    [0, scale, 0, 0],
    [Math.log(0.25), scale - 1, Math.log(0.8), Math.log(2.5)],
    [Math.log(2), scale + 1, Math.log(0.3), Math.log(5)],
  ];
  const result = minimise(objective, starts, { step: 0.7 });
  const params = fromLog(result.x);
  return {
    ...params,
    logLikelihood: logLikelihoodGrouped(params, g),
    customers: g.count,
    converged: result.converged,
    standardErrors: standardErrorsOf((v) => -logLikelihoodGrouped(fromLog(v), g), result.x, (se) => ({ r: se[0]!, alpha: se[1]!, a: se[2]!, b: se[3]! })),
  };
}

/** Standard errors of exp(v) by the delta method from the inverse Hessian of −LL in log space. */
export function standardErrorsOf<T>(negLogLik: (v: readonly number[]) => number, at: readonly number[], shape: (se: number[]) => T): T | undefined {
  const inv = invertMatrix(numericHessian(negLogLik, at));
  if (!inv) return undefined;
  const se = at.map((v, i) => Math.exp(v) * Math.sqrt(inv[i]![i]!));
  return se.every((s) => Number.isFinite(s)) ? shape(se) : undefined;
}

/** Ratio a/(b+x−1) · ((α+T)/(α+t_x))^(r+x): the odds of having dropped out after the last purchase. */
function deadOdds(p: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 0;
  return (p.a / (p.b + x - 1)) * Math.exp((p.r + x) * (Math.log(p.alpha + T) - Math.log(p.alpha + tx)));
}

/** P(alive | x, t_x, T) = 1 / (1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)) (paper, eq. 13). */
export function probabilityAlive(p: BgNbdParams, c: RecencyFrequency): number {
  return 1 / (1 + deadOdds(p, c.x, c.tx, c.T));
}

/**
 * Expected purchases in the next t units given the history (paper, eq. 10):
 *
 *   E[Y(t) | x, t_x, T] = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; z)]
 *                         / (1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)),   z = t/(α+T+t).
 *
 * The product (1−z)^(r+x) · 2F1(r+x, b+x; c; z) is computed through Euler's transformation as
 * (1−z)^(a−1) · 2F1(a+b−1−r, a−1; c; z): the same value, but its series has bounded terms for any
 * x, where the direct one overflows for large x and t ≫ α+T. At a = 1 exactly the formula is 0/0;
 * the limit is taken by evaluating at a ± 1e-7.
 */
export function conditionalExpectedPurchases(p: BgNbdParams, c: RecencyFrequency, t: number): number {
  if (t <= 0) return 0;
  if (Math.abs(p.a - 1) < 1e-7) {
    const lo = conditionalExpectedPurchases({ ...p, a: 1 - 1e-7 }, c, t);
    const hi = conditionalExpectedPurchases({ ...p, a: 1 + 1e-7 }, c, t);
    return (lo + hi) / 2;
  }
  const { r, alpha, a, b } = p;
  const { x, T } = c;
  const cc = a + b + x - 1;
  const z = t / (alpha + T + t);
  const f = hyp2f1(a + b - 1 - r, a - 1, cc, z);
  const product = Math.pow(1 - z, a - 1) * f;
  const numerator = (cc / (a - 1)) * (1 - product);
  return numerator / (1 + deadOdds(p, x, c.tx, T));
}

export interface NextPurchaseWindow {
  /** Start and end of the window, in the unit, counted from the calibration end. */
  from: number;
  to: number;
  /** The median wait, in the unit. */
  median: number;
}

/**
 * The expected next-purchase window: given that the customer is alive, the central interval
 * (default 25 %–75 %) of the time until the next purchase.
 *
 * In the BG/NBD a customer drops out only right after a purchase, so one who is alive at T buys
 * next after an exponential time with rate λ, and λ given the history and being alive is
 * Gamma(r + x, α + T). Integrated over λ the wait W is Lomax: P(W > w) = ((α+T)/(α+T+w))^(r+x),
 * whose q-quantile is (α+T)·((1−q)^(−1/(r+x)) − 1). The probability of a purchase within w at
 * all is P(alive) · (1 − P(W > w)).
 */
export function nextPurchaseWindow(p: BgNbdParams, c: RecencyFrequency, lower = 0.25, upper = 0.75): NextPurchaseWindow {
  const shape = p.r + c.x;
  const scale = p.alpha + c.T;
  const quantile = (q: number): number => scale * (Math.pow(1 - q, -1 / shape) - 1);
  return { from: quantile(lower), to: quantile(upper), median: quantile(0.5) };
}
