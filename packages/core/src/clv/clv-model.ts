/** Fits both models to customer summaries and scores every customer: pure, so it can run on a worker thread. */
import { fitClv, type ClvFit } from "./clv-fit";
import { scoreCustomer } from "./clv-scores";
import type { ProfileClvRow } from "./clv.repository";
import type { ClvSettings } from "./clv.settings";
import type { CustomerSummary } from "./rfm-summary";

const DAY_MS = 86_400_000;

export interface ModelCustomersInput {
  summaries: CustomerSummary[];
  settings: ClvSettings;
  /** The evaluation instant (epoch ms): next-purchase windows start here. */
  nowMs: number;
}

export type ModelCustomersResult = { status: "fitted"; fit: ClvFit; rows: ProfileClvRow[] } | { status: "fit_failed"; fit: ClvFit; message: string };

export function modelCustomers({ summaries, settings, nowMs }: ModelCustomersInput): ModelCustomersResult {
  const fit = fitClv(summaries, { minRepeatCustomers: 1 });
  const bg = fit.bgNbd;
  if (!fit.bgNbd.converged || ![bg.r, bg.alpha, bg.a, bg.b, bg.logLikelihood].every(Number.isFinite) || bg.r > 1e6 || bg.alpha > 1e8 || bg.a < 1e-6) {
    return {
      status: "fit_failed",
      fit,
      message: "The BG/NBD fit did not converge to an interior maximum (the data look like a Poisson process without dropout, or too few repeat purchases); predictions were removed",
    };
  }
  // Spend per order is valued only when its model has an interior maximum; otherwise values stay empty.
  const model = { bgNbd: bg, gammaGamma: fit.gammaGamma?.converged ? fit.gammaGamma : undefined, unit: settings.unit };
  const window: [number, number] = [settings.windowLowerQuantile, settings.windowUpperQuantile];
  const rows: ProfileClvRow[] = [];
  for (const s of summaries) {
    const c = scoreCustomer(model, s, { horizonDays: [90, 180, 365], windowQuantiles: window });
    const [p90, p180, p365] = c.expectedPurchases as [number, number, number];
    // A customer whose 2F1 series did not converge gets no row rather than a wrong number.
    if (![c.pAlive, p90, p180, p365].every(Number.isFinite)) continue;
    const [v90, v180, v365] = c.expectedValue;
    const windowFinite = Number.isFinite(c.nextPurchaseFromDays) && Number.isFinite(c.nextPurchaseToDays);
    rows.push({
      profileId: s.customerId,
      pAlive: c.pAlive,
      expectedPurchases: [p90, p180, p365],
      expectedOrderValue: c.expectedOrderValue,
      expectedValue: v90 == null || v180 == null || v365 == null ? null : [v90, v180, v365],
      nextPurchaseFrom: windowFinite ? new Date(nowMs + c.nextPurchaseFromDays * DAY_MS) : null,
      nextPurchaseTo: windowFinite ? new Date(nowMs + c.nextPurchaseToDays * DAY_MS) : null,
    });
  }
  return { status: "fitted", fit, rows };
}
