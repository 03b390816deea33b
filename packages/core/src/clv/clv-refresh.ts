import type { Warehouse } from "@siyu/storage";
import { localDay } from "../shared/local-time";
import { runInWorker } from "../shared/run-in-worker";
import type { ClvFit } from "./clv-fit";
import type { ModelCustomersInput, ModelCustomersResult } from "./clv-model";
import { replaceProfileClv, readDailyOrderValues } from "./clv.repository";
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


/**
 * Fits BG/NBD and Gamma-Gamma to the workspace's orders up to `now` and replaces its profile_clv
 * rows with every live ordering profile's predictions, in one DuckDB transaction. A workspace
 * with too few customers or repeaters, or whose fit fails, keeps no predictions (its rows are
 * removed): stale numbers would look current.
 */
export async function refreshWorkspaceClv(input: RefreshWorkspaceClvInput): Promise<RefreshWorkspaceClvResult> {
  const { warehouse, workspaceId, now, settings } = input;
  const timeZone = input.timeZone ?? "Asia/Shanghai";
  const calibrationEnd = localDay(now, timeZone);
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
  // The fit is seconds of arithmetic for a large workspace: it runs on a worker thread so the
  // server keeps answering meanwhile.
  const modelled = await runInWorker<ModelCustomersInput, ModelCustomersResult>(new URL("./clv-model.worker.ts", import.meta.url), {
    summaries,
    settings,
    nowMs: now.getTime(),
  });
  const { fit } = modelled;
  if (modelled.status === "fit_failed") {
    await clear();
    return { status: "fit_failed", fit, customers, repeatCustomers, calibrationEnd, message: modelled.message };
  }
  const rows = modelled.rows;
  await replaceProfileClv(warehouse, workspaceId, rows, now);
  return { status: "fitted", fit, scoredProfiles: rows.length, calibrationEnd, message: null };
}

