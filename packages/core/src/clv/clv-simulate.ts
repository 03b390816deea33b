/**
 * Seeded simulation of the BG/NBD purchase process and the Gamma-Gamma spend process, for
 * testing that the fitters recover known parameters.
 */
import type { BgNbdParams } from "./bg-nbd";
import type { GammaGammaParams } from "./gamma-gamma";
import { createRandom } from "../shared";
import type { CustomerSummary } from "./rfm-summary";

export interface SimulateClvInput {
  bgNbd: BgNbdParams;
  gammaGamma: GammaGammaParams;
  customers: number;
  /** Each customer's observation length T is drawn uniformly from [minT, maxT] (in the unit). */
  minT: number;
  maxT: number;
  seed: number;
}

export interface SimulatedCustomer extends CustomerSummary {
  /** The customer's true purchase rate, dropout probability and mean spend. */
  lambda: number;
  dropout: number;
  /** Purchase times (from the first purchase, in the unit) and values, the first purchase included. */
  purchases: { time: number; value: number }[];
}

/**
 * Per customer: λ ~ Gamma(r, α), p ~ Beta(a, b), ν ~ Gamma(q, γ). The first purchase is at 0;
 * while alive, purchases follow a Poisson process with rate λ, and after each repeat purchase the
 * customer drops out with probability p. Every purchase's value is Gamma(p_gg, ν).
 */
export function simulateClv(input: SimulateClvInput): SimulatedCustomer[] {
  const rng = createRandom(input.seed);
  const { r, alpha, a, b } = input.bgNbd;
  const gg = input.gammaGamma;
  const out: SimulatedCustomer[] = [];
  for (let i = 0; i < input.customers; i++) {
    const T = input.minT + (input.maxT - input.minT) * rng.uniform();
    const lambda = rng.gamma(r, alpha);
    const dropout = rng.beta(a, b);
    const nu = rng.gamma(gg.q, gg.gamma);
    const purchases = [{ time: 0, value: rng.gamma(gg.p, nu) }];
    let time = 0;
    for (;;) {
      time += rng.exponential(lambda);
      if (time > T) break;
      purchases.push({ time, value: rng.gamma(gg.p, nu) });
      if (rng.uniform() < dropout) break;
    }
    const x = purchases.length - 1;
    let repeat = 0;
    for (let k = 1; k < purchases.length; k++) repeat += purchases[k]!.value;
    out.push({
      customerId: String(i + 1),
      x,
      tx: purchases[purchases.length - 1]!.time,
      T,
      monetary: x > 0 ? repeat / x : null,
      firstDay: 0,
      lastDay: 0,
      lambda,
      dropout,
      purchases,
    });
  }
  return out;
}
