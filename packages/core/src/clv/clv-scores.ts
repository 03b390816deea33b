/**
 * Per-customer CLV predictions from a fitted model: P(alive), expected purchases and value over
 * horizons, the expected order value and the next-purchase window.
 *
 * Expected value over a horizon = expected purchases × expected order value, undiscounted: the
 * horizons are a year or less, where discounting changes little and an operator reads the
 * number as "what this customer will spend". Money is in the transactions' unit (major units).
 */
import { conditionalExpectedPurchases, nextPurchaseWindow, probabilityAlive, type BgNbdParams } from "./bg-nbd";
import { conditionalExpectedOrderValue, type GammaGammaParams } from "./gamma-gamma";
import { UNIT_DAYS, type ClvTimeUnit, type CustomerSummary } from "./rfm-summary";

export interface ClvModelParams {
  bgNbd: BgNbdParams;
  /** Absent when too few customers had a repeat purchase to fit spend. */
  gammaGamma?: GammaGammaParams;
  unit: ClvTimeUnit;
}

export interface ClvScoreOptions {
  /** Horizons in days (default 90, 180, 365). */
  horizonDays?: readonly number[];
  /** The next-purchase window's quantiles of the wait given alive (default 0.25 and 0.75). */
  windowQuantiles?: readonly [number, number];
}

export interface CustomerClv {
  customerId: string;
  pAlive: number;
  /** Expected purchases per horizon, in the order of horizonDays. */
  expectedPurchases: number[];
  expectedOrderValue: number | null;
  expectedValue: (number | null)[];
  /** The next-purchase window as days after the calibration end (fractional). */
  nextPurchaseFromDays: number;
  nextPurchaseToDays: number;
}

export const DEFAULT_HORIZON_DAYS = [90, 180, 365] as const;

export function scoreCustomer(model: ClvModelParams, c: CustomerSummary, options: ClvScoreOptions = {}): CustomerClv {
  const unitDays = UNIT_DAYS[model.unit];
  const horizons = options.horizonDays ?? DEFAULT_HORIZON_DAYS;
  const [lower, upper] = options.windowQuantiles ?? [0.25, 0.75];
  const expectedPurchases = horizons.map((d) => conditionalExpectedPurchases(model.bgNbd, c, d / unitDays));
  const expectedOrderValue = model.gammaGamma ? conditionalExpectedOrderValue(model.gammaGamma, c.x, c.monetary) : null;
  const window = nextPurchaseWindow(model.bgNbd, c, lower, upper);
  return {
    customerId: c.customerId,
    pAlive: probabilityAlive(model.bgNbd, c),
    expectedPurchases,
    expectedOrderValue,
    expectedValue: expectedPurchases.map((n) => (expectedOrderValue === null ? null : n * expectedOrderValue)),
    nextPurchaseFromDays: window.from * unitDays,
    nextPurchaseToDays: window.to * unitDays,
  };
}
