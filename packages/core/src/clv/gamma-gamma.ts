/**
 * The Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves for
 * customer base analysis", Journal of Marketing Research 42(4); Fader & Hardie 2013, "The
 * Gamma-Gamma model of monetary value"):
 *
 * - each transaction value z ~ Gamma(p, ν) for a customer, ν ~ Gamma(q, γ) across customers;
 * - fitted on customers with x ≥ 1 repeat purchases and their mean repeat value m_x:
 *
 *   ln L = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln m_x + px ln x − (px+q) ln(γ + x m_x)
 *
 * The model needs positive values: customers whose mean repeat value is 0 are left out of the fit.
 */
import { minimise } from "./nelder-mead";
import { standardErrorsOf } from "./bg-nbd";
import { lnGamma } from "./special-functions";

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export interface FrequencyValue {
  /** Repeat purchases (≥ 1). */
  x: number;
  /** Mean value of those purchases (> 0). */
  monetary: number;
}

export interface GammaGammaFit extends GammaGammaParams {
  logLikelihood: number;
  customers: number;
  converged: boolean;
  standardErrors?: GammaGammaParams;
}

/** The customers the Gamma-Gamma model is fitted on: at least one repeat purchase with a positive mean value. */
export function isGammaGammaEligible<T extends { x: number; monetary: number | null }>(c: T): c is T & FrequencyValue {
  return c.x >= 1 && c.monetary !== null && c.monetary > 0 && Number.isFinite(c.monetary);
}

export function gammaGammaLogLikelihood(params: GammaGammaParams, data: readonly FrequencyValue[]): number {
  const { p, q, gamma } = params;
  if (!(p > 0 && q > 0 && gamma > 0)) return Number.NaN;
  const base = -lnGamma(q) + q * Math.log(gamma);
  let total = 0;
  for (const { x, monetary: m } of data) {
    const px = p * x;
    total += lnGamma(px + q) - lnGamma(px) + base + (px - 1) * Math.log(m) + px * Math.log(x) - (px + q) * Math.log(gamma + x * m);
  }
  return total;
}

const fromLog = (v: readonly number[]): GammaGammaParams => ({ p: Math.exp(v[0]!), q: Math.exp(v[1]!), gamma: Math.exp(v[2]!) });

/**
 * Log-parameters are searched within ±LOG_BOUND (about 1e-9 … 1e9). When spend does not vary
 * between customers more than within them, the likelihood keeps rising as q and γ grow together:
 * there is no interior maximum, and an unbounded search would walk for minutes. At the wall the
 * search stops at once and the fit says it did not converge.
 */
const LOG_BOUND = 20;
const AT_BOUND = LOG_BOUND - 1;

/** Maximum-likelihood fit by Nelder–Mead on log-parameters from fixed starts with restarts; deterministic. */
export function fitGammaGamma(data: readonly FrequencyValue[]): GammaGammaFit {
  if (data.length === 0) throw new Error("fitGammaGamma needs at least one customer with a repeat purchase");
  let mean = 0;
  for (const d of data) mean += d.monetary;
  mean /= data.length;
  const objective = (v: readonly number[]): number =>
    v.some((c) => Math.abs(c) > LOG_BOUND) ? Number.POSITIVE_INFINITY : -gammaGammaLogLikelihood(fromLog(v), data) / data.length;
  const lm = Math.log(mean);
  // Starts around a mean spend of `mean`: pγ/(q−1) ≈ mean.
  const starts = [
    [0, Math.log(2), lm],
    [Math.log(5), Math.log(4), lm + Math.log(0.6)],
    [Math.log(0.5), Math.log(10), lm + Math.log(18)],
  ];
  // A real maximum is reached in a few hundred iterations; a ridge without one would take minutes.
  const result = minimise(objective, starts, { step: 0.7, maxIterations: 3_000, maxRestarts: 3 });
  const params = fromLog(result.x);
  return {
    ...params,
    logLikelihood: gammaGammaLogLikelihood(params, data),
    customers: data.length,
    converged: result.converged && result.x.every((c) => Math.abs(c) < AT_BOUND),
    standardErrors: standardErrorsOf((v) => -gammaGammaLogLikelihood(fromLog(v), data), result.x, (se) => ({ p: se[0]!, q: se[1]!, gamma: se[2]! })),
  };
}

/**
 * E[mean order value | x, m_x] = (γ + x·m_x)·p / (p·x + q − 1): a weighted mean of the population
 * mean pγ/(q−1) and the customer's own m_x. For x = 0 it is the population mean. Undefined
 * (null) when q ≤ 1, where the population mean does not exist.
 */
export function conditionalExpectedOrderValue(params: GammaGammaParams, x: number, monetary: number | null): number | null {
  const { p, q, gamma } = params;
  if (x >= 1 && monetary !== null && monetary > 0) {
    const denominator = p * x + q - 1;
    return denominator > 0 ? (p * (gamma + x * monetary)) / denominator : null;
  }
  return q > 1 ? (p * gamma) / (q - 1) : null;
}
