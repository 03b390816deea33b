import type { Warehouse } from "@siyu/storage";
import { fitClv, type ClvFit } from "./clv-fit";
import { scoreCustomer } from "./clv-scores";
import { replaceProfileClv, readDailyOrderValues, type ProfileClvRow } from "./clv.repository";
import type { ClvSettings } from "./clv.settings";
import { dayNumberOf, summariseTransactions, type ClvTransaction } from "./rfm-summary";

export interface RefreshWorkspaceClvInput {
  warehouse: Warehouse;
  workspaceId: string;
  now: Date;
  settings: ClvSettings;
  /** The workspace's IANA time zone: purchases are bucketed into its calendar days. */
  timeZone?: string;
}

export type RefreshWorkspaceClvResult =
  | { status: "fitted"; fit: ClvFit; scoredProfiles: number; calibrationEnd: string; message: null }
  | { status: "insufficient_data" | "fit_failed"; fit: ClvFit | null; customers: number; repeatCustomers: number; calibrationEnd: string; message: string };

const DAY_MS = 86_400_000;

/**
 * Fits BG/NBD and Gamma-Gamma to the workspace's orders up to `now` and replaces its profile_clv
 * rows with every live ordering profile's predictions, in one DuckDB transaction. A workspace
 * with too few customers or repeaters, or whose fit fails, keeps no predictions (its rows are
 * removed): stale numbers would look current.
 */
export async function refreshWorkspaceClv(input: RefreshWorkspaceClvInput): Promise<RefreshWorkspaceClvResult> {
  const { warehouse, workspaceId, now, settings } = input;
  const timeZone = input.timeZone ?? "Asia/Shanghai";
  const calibrationEnd = localDate(now, timeZone);
  const daily = await readDailyOrderValues(warehouse, { workspaceId, timeZone, until: now, excludeRefunded: settings.excludeRefundedOrders });
  const transactions: ClvTransaction[] = daily.map((d) => ({ customerId: d.profileId, day: dayNumberOf(d.day)!, amount: d.amount }));
  const summaries = summariseTransactions(transactions, dayNumberOf(calibrationEnd)!, settings.unit);
  const customers = summaries.length;
  const repeatCustomers = summaries.filter((s) => s.x > 0).length;
  const clear = () => replaceProfileClv(warehouse, workspaceId, [], now);
  if (customers < settings.minCustomers || repeatCustomers < settings.minRepeatCustomers) {
    await clear();
    return {
      status: "insufficient_data",
      fit: null,
      customers,
      repeatCustomers,
      calibrationEnd,
      message: `${customers} customer(s) with orders, ${repeatCustomers} with a repeat purchase; the settings ask for at least ${settings.minCustomers} and ${settings.minRepeatCustomers}`,
    };
  }
  const fit = fitClv(summaries, { minRepeatCustomers: 1 });
  const bg = fit.bgNbd;
  if (!fit.bgNbd.converged || ![bg.r, bg.alpha, bg.a, bg.b, bg.logLikelihood].every(Number.isFinite) || bg.r > 1e6 || bg.alpha > 1e8 || bg.a < 1e-6) {
    await clear();
    return {
      status: "fit_failed",
      fit,
      customers,
      repeatCustomers,
      calibrationEnd,
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
      nextPurchaseFrom: windowFinite ? new Date(now.getTime() + c.nextPurchaseFromDays * DAY_MS) : null,
      nextPurchaseTo: windowFinite ? new Date(now.getTime() + c.nextPurchaseToDays * DAY_MS) : null,
    });
  }
  await replaceProfileClv(warehouse, workspaceId, rows, now);
  return { status: "fitted", fit, scoredProfiles: rows.length, calibrationEnd, message: null };
}

/** The calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get("year")}-${get("month")}-${get("day")}`;
}
