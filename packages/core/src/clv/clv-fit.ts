/** Fits both models on a set of customer summaries: the one entry the CLI and the workspace refresh share. */
import { fitBgNbd, type BgNbdFit } from "./bg-nbd";
import { fitGammaGamma, isGammaGammaEligible, type GammaGammaFit } from "./gamma-gamma";
import type { CustomerSummary } from "./rfm-summary";

export interface ClvFit {
  bgNbd: BgNbdFit;
  /** Undefined when fewer than `minRepeatCustomers` customers have a repeat purchase with a positive value. */
  gammaGamma?: GammaGammaFit;
  customers: number;
  repeatCustomers: number;
}

export function fitClv(summaries: readonly CustomerSummary[], options: { minRepeatCustomers?: number } = {}): ClvFit {
  const repeaters = summaries.filter(isGammaGammaEligible);
  const bgNbd = fitBgNbd(summaries);
  const gammaGamma = repeaters.length >= Math.max(1, options.minRepeatCustomers ?? 1) ? fitGammaGamma(repeaters) : undefined;
  return { bgNbd, gammaGamma, customers: summaries.length, repeatCustomers: repeaters.length };
}
