import { REFUNDED, WHOLE, type EventSequences } from "../../warehouse";
import { localDay } from "../../shared/local-time";
import { LocalDays, type KpiWindows } from "./kpi-period";
import type { DailyOrders, KpiScope, OrderFigures } from "./kpi.warehouse";

/**
 * The dashboard's order figures — orders, GMV and buyers per day, buyers and repeat buyers per period,
 * the repurchase cycle, customers, churn and spend as of each period's end — from the orders the event
 * sequences hold (sequence-orders.ts): one pass over the orders, a counting sort of the live ones by
 * buyer, one walk over the buyers — instead of grouping millions of order events by order and then by
 * customer in the warehouse (2.1 s of the 3 s dashboard at 1M / 20M, bench/RESULTS.md run 44; this
 * way ≈ 0.25 s, run 45).
 *
 * An order is its first completion before the period's end (its time the earliest of them), at the
 * store for one store's dashboard; it is cancelled when refunded whole or by at least its amount, else
 * worth its amount less its refunds.
 */
export function orderFigures(sequences: EventSequences, scope: KpiScope, w: KpiWindows, churnDays: number): OrderFigures {
  const { current: cur, previous: prev } = w;
  const rows = sequences.orders(cur.end.getTime() * 1000);
  const n = rows.size;
  const stores = scope.store ? [scope.store.id, scope.store.code].map((v) => sequences.valueNumber("store_id", v) ?? -2) : null;
  const firstOrderDay = n > 0 ? localDay(new Date(rows.earliestUs / 1000), scope.timeZone) : prev.from;
  const local = new LocalDays(firstOrderDay < prev.from ? firstOrderDay : prev.from, cur.to, scope.timeZone);
  const prevFrom = local.at(prev.from);
  const dayCount = local.days.length;
  const profiles = sequences.profileCount;

  // Per day: orders not cancelled, net value, and whether any order fell on it. Per order: its day
  // and net value when it is a buyer's live order (−1 otherwise), counted per buyer for the grouping.
  const dayOrders = new Int32Array(dayCount);
  const dayGmv = new Float64Array(dayCount);
  const dayAny = new Uint8Array(dayCount);
  const { orderDay, orderNet, start, grouped } = scratchFor(n, profiles);
  for (let i = 0; i < n; i++) {
    orderDay[i] = -1;
    if (stores !== null && rows.store[i] !== stores[0] && rows.store[i] !== stores[1]) continue;
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
    const profile = rows.profile[i]!;
    if (cancelled || profile < 0) continue;
    orderDay[i] = day;
    orderNet[i] = net;
    start[profile + 1]!++;
  }
  // The buyers' live orders grouped by buyer (a counting sort on the profile key): each one's day,
  // net value and period side by side, so the walk below reads them in order.
  for (let p = 0; p < profiles; p++) start[p + 1]! += start[p]!;
  const curStartUs = cur.start.getTime() * 1000;
  const prevStartUs = prev.start.getTime() * 1000;
  for (let i = 0; i < n; i++) {
    if (orderDay[i]! < 0) continue;
    const at = 3 * start[rows.profile[i]!]!++;
    const us = rows.us[i]!;
    grouped[at] = orderDay[i]!;
    grouped[at + 1] = orderNet[i]!;
    grouped[at + 2] = us >= curStartUs ? CURRENT : us >= prevStartUs ? PREVIOUS : BEFORE;
  }
  // start[p] is now where buyer p + 1's orders begin.
  const walk = walkBuyers(grouped, start, profiles, {
    dayCount,
    prevFrom,
    curFrom: local.at(cur.from),
    prevTo: local.at(prev.to),
    churnDays,
  });

  const daily = new Map<string, DailyOrders>();
  for (let d = prevFrom; d < dayCount; d++) {
    if (dayAny[d] === 1) daily.set(local.days[d]!, { orders: dayOrders[d]!, gmvMinor: dayGmv[d]!, buyers: walk.dayBuyers[d]! });
  }
  const cycleDaily = new Map<string, number>();
  walk.dayGaps.forEach((gaps, i) => {
    const m = median(gaps);
    if (m !== null) cycleDaily.set(local.days[walk.curFrom + i]!, m);
  });
  return {
    daily,
    buyers: { current: walk.buyers[CURRENT]!, previous: walk.buyers[PREVIOUS]! },
    repeatBuyers: { current: walk.repeaters[CURRENT]!, previous: walk.repeaters[PREVIOUS]! },
    cycle: { current: median(walk.curGaps), previous: median(walk.prevGaps) },
    cycleDaily,
    customers: { current: walk.customersCur, previous: walk.customersPrev },
    churned: { current: walk.churnedCur, previous: walk.churnedPrev },
    spendMinor: { current: walk.spendCur, previous: walk.spendPrev },
  };
}

// An order's period.
const BEFORE = 0;
const PREVIOUS = 1;
const CURRENT = 2;

/** Buffers of the last call, reused: fresh ones per call (tens of MB at 2.4M orders) cost more in GC than the work. */
let scratch = { orderDay: new Int32Array(0), orderNet: new Float64Array(0), start: new Int32Array(0), grouped: new Float64Array(0) };

function scratchFor(orders: number, profiles: number): typeof scratch {
  if (scratch.orderDay.length < orders || scratch.start.length < profiles + 1) {
    const o = Math.max(scratch.orderDay.length, Math.ceil(orders * 1.25));
    const p = Math.max(scratch.start.length, Math.ceil((profiles + 1) * 1.25));
    scratch = { orderDay: new Int32Array(o), orderNet: new Float64Array(o), start: new Int32Array(p), grouped: new Float64Array(3 * o) };
  }
  scratch.start.fill(0, 0, profiles + 1);
  return scratch;
}

interface WalkMarks {
  dayCount: number;
  prevFrom: number;
  curFrom: number;
  prevTo: number;
  churnDays: number;
}

/**
 * Each buyer's live orders in turn — (day, net, period) triples, buyer p's from 3 × start[p − 1] (0
 * for the first) — in one loop with its counters in locals: buyers and repeat buyers per period,
 * customers, churn and spend as of each period's end, buyers per day and the repurchase gaps (a
 * count per gap length, per period and per day of the current one: medians without sorting).
 */
function walkBuyers(grouped: Float64Array, ends: Int32Array, profiles: number, m: WalkMarks) {
  const { dayCount, prevFrom, curFrom, prevTo, churnDays } = m;
  const curTo = dayCount - 1;
  const width = dayCount + 1;
  const dayBuyers = new Int32Array(dayCount);
  const curGaps = new Int32Array(width);
  const prevGaps = new Int32Array(width);
  const dayGapCounts = new Int32Array((dayCount - curFrom) * width);
  const buyers = new Int32Array(3);
  const repeaters = new Int32Array(3);
  let customersCur = 0;
  let customersPrev = 0;
  let churnedCur = 0;
  let churnedPrev = 0;
  let spendCur = 0;
  let spendPrev = 0;
  let days = new Int32Array(64);
  let a = 0;
  for (let p = 0; p < profiles; p++) {
    const b = ends[p]!;
    if (a === b) continue;
    const count = b - a;
    if (days.length < count) days = new Int32Array(2 * count);
    let cur = 0;
    let prev = 0;
    let lastDay = -1;
    let lastBefore = -1;
    let spend = 0;
    let spendBefore = 0;
    for (let x = 0; x < count; x++) {
      const at = 3 * (a + x);
      const day = grouped[at]!;
      const net = grouped[at + 1]!;
      const period = grouped[at + 2]!;
      if (period === CURRENT) cur++;
      else {
        if (period === PREVIOUS) prev++;
        spendBefore += net;
        if (day > lastBefore) lastBefore = day;
      }
      spend += net;
      if (day > lastDay) lastDay = day;
      // Insertion sort of the buyer's days (a few each).
      let k = x;
      while (k > 0 && days[k - 1]! > day) {
        days[k] = days[k - 1]!;
        k--;
      }
      days[k] = day;
    }
    if (cur > 0) buyers[CURRENT]!++;
    if (cur > 1) repeaters[CURRENT]!++;
    if (prev > 0) buyers[PREVIOUS]!++;
    if (prev > 1) repeaters[PREVIOUS]!++;
    customersCur++;
    spendCur += spend;
    if (curTo - lastDay >= churnDays) churnedCur++;
    if (lastBefore >= 0) {
      customersPrev++;
      spendPrev += spendBefore;
      if (prevTo - lastBefore >= churnDays) churnedPrev++;
    }
    // Distinct order days in order: buyers per day, and each day's gap to the one before.
    let before = -1;
    for (let x = 0; x < count; x++) {
      const day = days[x]!;
      if (day === before) continue;
      if (day >= prevFrom) {
        dayBuyers[day]!++;
        if (before >= 0) {
          const gap = day - before;
          if (day >= curFrom) {
            curGaps[gap]!++;
            dayGapCounts[(day - curFrom) * width + gap]!++;
          } else prevGaps[gap]!++;
        }
      }
      before = day;
    }
    a = b;
  }
  const dayGaps = Array.from({ length: dayCount - curFrom }, (_, i) => dayGapCounts.subarray(i * width, (i + 1) * width));
  return { dayBuyers, buyers, repeaters, curGaps, prevGaps, dayGaps, curFrom, customersCur, customersPrev, churnedCur, churnedPrev, spendCur, spendPrev };
}

/**
 * The middle value of counts per value (counts[v]: how many v); the mean of the two middle ones for
 * an even total (DuckDB's median); null for none.
 */
function median(counts: Int32Array): number | null {
  let total = 0;
  for (let v = 0; v < counts.length; v++) total += counts[v]!;
  if (total === 0) return null;
  const low = (total - 1) >> 1;
  const high = total >> 1;
  let seen = 0;
  let lowValue = -1;
  for (let v = 0; v < counts.length; v++) {
    seen += counts[v]!;
    if (lowValue < 0 && seen > low) lowValue = v;
    if (seen > high) return (lowValue + v) / 2;
  }
  return null;
}
