import type { CustomerVisitor, EventSequences } from "../../warehouse";
import { DAY_US, LocalDays, shiftDay, type KpiWindows } from "./kpi-period";
import type { ActivityFigures, KpiScope } from "./kpi.warehouse";

/** Day numbers, from the first day read (0), of the days the figures need. */
interface DayMarks {
  prevFrom: number;
  curFrom: number;
  curTo: number;
  prevTo: number;
  ppFrom: number;
  ppTo: number;
  /** Active days from here on reach the rolling WAU / MAU of the current period. */
  rollingFrom: number;
}

/**
 * The dashboard's activity figures — customers active per day, in each period, kept from the period
 * before, WAU / MAU at each period's end and rolling through the current one — from the in-memory
 * event sequences: each customer's events come in time order, so their distinct local days come
 * sorted without grouping millions of customer-days in the warehouse (1.6 s of the 3.4 s dashboard at
 * 1M / 20M, bench/RESULTS.md run 36). A customer is active on a local day with any event of theirs
 * (at the store, for one store's dashboard).
 */
export function activityFigures(sequences: EventSequences, scope: KpiScope, w: KpiWindows): ActivityFigures {
  const { current: cur, previous: prev, beforePrevious: pp } = w;
  const firstDay = [pp.from, shiftDay(prev.to, -29)].sort()[0]!;
  // Each local day's first instant (epoch µs), and the end of the last.
  const local = new LocalDays(firstDay, cur.to, scope.timeZone);
  const { days, starts } = local;
  const at = (day: string) => local.at(day);
  const marks: DayMarks = {
    prevFrom: at(prev.from),
    prevTo: at(prev.to),
    curFrom: at(cur.from),
    curTo: at(cur.to),
    ppFrom: at(pp.from),
    ppTo: at(pp.to),
    rollingFrom: at(shiftDay(cur.from, -29)),
  };
  // One store: its events carry its id or its code (by kind of event); a store no event names leaves nobody active.
  let atStore: Uint8Array | null = null;
  if (scope.store) {
    const values = [scope.store.id, scope.store.code].map((v) => sequences.valueNumber("store_id", v) ?? -2);
    const storeOf = sequences.kindValue("store_id");
    atStore = new Uint8Array(sequences.kinds);
    for (let kind = 0; kind < sequences.kinds; kind++) if (values.includes(storeOf[kind]!)) atStore[kind] = 1;
  }
  const counter = new ActivityCounter(starts, marks, atStore);
  sequences.forEachCustomer(starts[0]!, starts[days.length]!, counter);
  return counter.figures(days, marks);
}

// Bits of a customer's flags.
const CUR = 1;
const PREV = 2;
const PP = 4;
const WAU_CUR = 8;
const WAU_PREV = 16;
const MAU_CUR = 32;
const MAU_PREV = 64;

/**
 * Walks each customer's events once: their local days, distinct and in order, counted per day; the
 * periods they were active in as flags; and for the rolling counts, each active day a covering
 * [a, min(a + 7, next active day)) for WAU (30 for MAU) — one customer's intervals never overlap, so
 * +1 / −1 at their ends and a running sum count customers per day.
 */
class ActivityCounter implements CustomerVisitor {
  readonly daily: Int32Array;
  readonly flagCounts = new Int32Array(128);
  readonly wauDelta: Int32Array;
  readonly mauDelta: Int32Array;
  private readonly last: number;

  constructor(
    private readonly starts: Float64Array,
    private readonly marks: DayMarks,
    /** By kind of event: 1 when it is at the store (null: every event counts). */
    private readonly atStore: Uint8Array | null,
  ) {
    this.last = starts.length - 2;
    this.daily = new Int32Array(starts.length);
    this.wauDelta = new Int32Array(starts.length + 31);
    this.mauDelta = new Int32Array(starts.length + 31);
  }

  visit(_profile: number, us: Float64Array, code: Int32Array, _ordinal: Int32Array, a: number, b: number): void {
    const { starts, marks, atStore, daily, wauDelta, mauDelta, last } = this;
    const first = starts[0]!;
    let flags = 0;
    // The last active day seen (−1: none yet), whose rolling interval waits for the next one.
    let day = -1;
    for (let x = a; x < b; x++) {
      if (atStore !== null && atStore[code[x]!] === 0) continue;
      const u = us[x]!;
      // Days are 24 hours but around a change of offset: a guess, then at most a step either way.
      let d = Math.floor((u - first) / DAY_US);
      if (d > last) d = last;
      while (d > 0 && u < starts[d]!) d--;
      while (d < last && u >= starts[d + 1]!) d++;
      if (d === day) continue;
      if (day >= marks.rollingFrom) {
        wauDelta[Math.min(day + 7, d)]!--;
        mauDelta[Math.min(day + 30, d)]!--;
      }
      day = d;
      daily[d]!++;
      if (d >= marks.rollingFrom) {
        wauDelta[d]!++;
        mauDelta[d]!++;
      }
      if (d >= marks.curFrom) flags |= CUR;
      else if (d >= marks.prevFrom) flags |= PREV;
      else if (d >= marks.ppFrom && d <= marks.ppTo) flags |= PP;
      if (d > marks.curTo - 7 && d <= marks.curTo) flags |= WAU_CUR;
      if (d > marks.prevTo - 7 && d <= marks.prevTo) flags |= WAU_PREV;
      if (d > marks.curTo - 30 && d <= marks.curTo) flags |= MAU_CUR;
      if (d > marks.prevTo - 30 && d <= marks.prevTo) flags |= MAU_PREV;
    }
    if (day < 0) return;
    if (day >= marks.rollingFrom) {
      wauDelta[day + 7]!--;
      mauDelta[day + 30]!--;
    }
    this.flagCounts[flags]!++;
  }

  figures(days: readonly string[], marks: DayMarks): ActivityFigures {
    const count = (all: number) => {
      let n = 0;
      for (let f = 0; f < 128; f++) if ((f & all) === all) n += this.flagCounts[f]!;
      return n;
    };
    const daily = new Map<string, number>();
    for (let d = marks.prevFrom; d < days.length; d++) if (this.daily[d]! > 0) daily.set(days[d]!, this.daily[d]!);
    const rolling = new Map<string, { wau: number; mau: number }>();
    let wau = 0;
    let mau = 0;
    for (let d = marks.rollingFrom; d < days.length; d++) {
      wau += this.wauDelta[d]!;
      mau += this.mauDelta[d]!;
      if (d >= marks.curFrom) rolling.set(days[d]!, { wau, mau });
    }
    return {
      daily,
      active: { current: count(CUR), previous: count(PREV) },
      activeBefore: { current: count(PREV), previous: count(PP) },
      retained: { current: count(CUR | PREV), previous: count(PREV | PP) },
      wau: { current: count(WAU_CUR), previous: count(WAU_PREV) },
      mau: { current: count(MAU_CUR), previous: count(MAU_PREV) },
      rolling,
    };
  }
}
