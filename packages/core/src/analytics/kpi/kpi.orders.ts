import type { Warehouse } from "@siyu/storage";
import { eventSequences, REFUNDED, WHOLE, type EventSequences } from "../../warehouse";
import { localDay } from "../../shared/local-time";
import { LocalDays, type KpiWindows } from "./kpi-period";
import { readClvAverage, type DailyOrders, type KpiScope, type OrderFigures } from "./kpi.warehouse";

/**
 * The dashboard's order figures — orders, GMV and buyers per day, buyers and repeat buyers per period,
 * the repurchase cycle, customers, churn and spend as of each period's end — from the orders the event
 * sequences hold (sequence-orders.ts), one pass over the orders and one over their buyers, instead of
 * grouping millions of order events by order and then by customer in the warehouse (2.1 s of the 3 s
 * dashboard at 1M / 20M, bench/RESULTS.md run 44).
 *
 * An order is its first completion before the period's end (its time the earliest of them), at the
 * store for one store's dashboard; it is cancelled when refunded whole or by at least its amount, else
 * worth its amount less its refunds.
 */
export async function readOrderFigures(warehouse: Warehouse, scope: KpiScope, w: KpiWindows, churnDays: number): Promise<OrderFigures> {
  const figures = orderFigures(await eventSequences(warehouse, scope.workspaceId), scope, w, churnDays);
  return { ...figures, clvAverageMinor: await readClvAverage(warehouse, scope, w.current.end) };
}

export function orderFigures(sequences: EventSequences, scope: KpiScope, w: KpiWindows, churnDays: number): Omit<OrderFigures, "clvAverageMinor"> {
  const { current: cur, previous: prev } = w;
  const curStart = cur.start.getTime() * 1000;
  const prevStart = prev.start.getTime() * 1000;
  const rows = sequences.orders(cur.end.getTime() * 1000);
  // The orders in scope, by index into rows.
  const stores = scope.store ? [scope.store.id, scope.store.code].map((v) => sequences.valueNumber("store_id", v) ?? -2) : null;
  const kept = new Int32Array(rows.size);
  let count = 0;
  let earliest = Infinity;
  for (let i = 0; i < rows.size; i++) {
    if (stores !== null && rows.store[i] !== stores[0] && rows.store[i] !== stores[1]) continue;
    kept[count++] = i;
    if (rows.us[i]! < earliest) earliest = rows.us[i]!;
  }
  const firstOrderDay = count > 0 ? localDay(new Date(earliest / 1000), scope.timeZone) : prev.from;
  const local = new LocalDays(firstOrderDay < prev.from ? firstOrderDay : prev.from, cur.to, scope.timeZone);
  const prevFrom = local.at(prev.from);
  const curFrom = local.at(cur.from);
  const dayCount = local.days.length;

  // Per day: orders not cancelled, net value, and whether any order fell on it.
  const dayOrders = new Int32Array(dayCount);
  const dayGmv = new Float64Array(dayCount);
  const dayAny = new Uint8Array(dayCount);
  // Each live order with a customer: its customer, day, net value and period (2 current, 1 previous, 0 before).
  const buyerOrders = { profile: new Int32Array(count), day: new Int32Array(count), net: new Float64Array(count), period: new Uint8Array(count) };
  let live = 0;
  for (let k = 0; k < count; k++) {
    const i = kept[k]!;
    const day = local.indexOf(rows.us[i]!);
    const refunds = rows.refunds[i]!;
    const amount = rows.amount[i]!;
    const cancelled = (refunds & REFUNDED) !== 0 && ((refunds & WHOLE) !== 0 || rows.refunded[i]! >= amount);
    const net = cancelled ? 0 : Math.round(Math.max(0, amount - rows.refunded[i]!) * scope.minorPer);
    if (day >= prevFrom) {
      dayAny[day] = 1;
      dayGmv[day]! += net;
      if (!cancelled) dayOrders[day]!++;
    }
    if (cancelled || rows.profile[i]! < 0) continue;
    buyerOrders.profile[live] = rows.profile[i]!;
    buyerOrders.day[live] = day;
    buyerOrders.net[live] = net;
    const us = rows.us[i]!;
    buyerOrders.period[live] = us >= curStart ? 2 : us >= prevStart ? 1 : 0;
    live++;
  }

  const walk = new BuyerWalk(local, prevFrom, curFrom, local.at(prev.to), dayCount - 1, churnDays);
  walk.run(buyerOrders, live, sequences.profileCount);

  const daily = new Map<string, DailyOrders>();
  for (let d = prevFrom; d < dayCount; d++) {
    if (dayAny[d] === 1) daily.set(local.days[d]!, { orders: dayOrders[d]!, gmvMinor: dayGmv[d]!, buyers: walk.dayBuyers[d]! });
  }
  const cycleDaily = new Map<string, number>();
  walk.gapsByDay.forEach((gaps, d) => cycleDaily.set(local.days[d]!, median(gaps)!));
  return {
    daily,
    buyers: { current: walk.buyers[2]!, previous: walk.buyers[1]! },
    repeatBuyers: { current: walk.repeaters[2]!, previous: walk.repeaters[1]! },
    cycle: { current: median(walk.curGaps), previous: median(walk.prevGaps) },
    cycleDaily,
    customers: { current: walk.customersCur, previous: walk.customersPrev },
    churned: { current: walk.churnedCur, previous: walk.churnedPrev },
    spendMinor: { current: walk.spendCur, previous: walk.spendPrev },
  };
}

/** Each buyer's live orders in turn (grouped by a counting sort on the profile key). */
class BuyerWalk {
  readonly dayBuyers: Int32Array;
  readonly buyers = new Int32Array(3);
  readonly repeaters = new Int32Array(3);
  readonly curGaps: number[] = [];
  readonly prevGaps: number[] = [];
  readonly gapsByDay = new Map<number, number[]>();
  customersCur = 0;
  customersPrev = 0;
  churnedCur = 0;
  churnedPrev = 0;
  spendCur = 0;
  spendPrev = 0;

  constructor(
    local: LocalDays,
    private readonly prevFrom: number,
    private readonly curFrom: number,
    private readonly prevTo: number,
    private readonly curTo: number,
    private readonly churnDays: number,
  ) {
    this.dayBuyers = new Int32Array(local.days.length);
  }

  run(orders: { profile: Int32Array; day: Int32Array; net: Float64Array; period: Uint8Array }, n: number, profiles: number): void {
    const start = new Int32Array(profiles + 1);
    for (let i = 0; i < n; i++) start[orders.profile[i]! + 1]!++;
    for (let p = 0; p < profiles; p++) start[p + 1]! += start[p]!;
    const fill = start.slice(0, profiles);
    const days = new Int32Array(n);
    const net = new Float64Array(n);
    const period = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const at = fill[orders.profile[i]!]!++;
      days[at] = orders.day[i]!;
      net[at] = orders.net[i]!;
      period[at] = orders.period[i]!;
    }
    for (let p = 0; p < profiles; p++) {
      const a = start[p]!;
      const b = start[p + 1]!;
      if (a < b) this.buyer(days, net, period, a, b);
    }
  }

  private buyer(days: Int32Array, net: Float64Array, period: Uint8Array, a: number, b: number): void {
    let cur = 0;
    let prev = 0;
    let lastDay = -1;
    let lastBefore = -1;
    let spend = 0;
    let spendBefore = 0;
    for (let x = a; x < b; x++) {
      const day = days[x]!;
      if (period[x] === 2) cur++;
      else {
        if (period[x] === 1) prev++;
        spendBefore += net[x]!;
        if (day > lastBefore) lastBefore = day;
      }
      spend += net[x]!;
      if (day > lastDay) lastDay = day;
    }
    if (cur > 0) this.buyers[2]!++;
    if (cur > 1) this.repeaters[2]!++;
    if (prev > 0) this.buyers[1]!++;
    if (prev > 1) this.repeaters[1]!++;
    this.customersCur++;
    this.spendCur += spend;
    if (this.curTo - lastDay >= this.churnDays) this.churnedCur++;
    if (lastBefore >= 0) {
      this.customersPrev++;
      this.spendPrev += spendBefore;
      if (this.prevTo - lastBefore >= this.churnDays) this.churnedPrev++;
    }
    // Distinct order days in order: buyers per day, and each day's gap to the one before.
    const sorted = days.subarray(a, b);
    if (b - a > 1) sorted.sort();
    let before = -1;
    for (let x = 0; x < sorted.length; x++) {
      const day = sorted[x]!;
      if (day === before) continue;
      if (day >= this.prevFrom) {
        this.dayBuyers[day]!++;
        if (before >= 0) {
          const gap = day - before;
          if (day >= this.curFrom) {
            this.curGaps.push(gap);
            const list = this.gapsByDay.get(day);
            if (list) list.push(gap);
            else this.gapsByDay.set(day, [gap]);
          } else this.prevGaps.push(gap);
        }
      }
      before = day;
    }
  }
}

/** The middle value; the mean of the two middle ones for an even count (DuckDB's median); null for none. */
function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
