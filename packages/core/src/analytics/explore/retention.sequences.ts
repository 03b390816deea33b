import type { AnalyticsInterval, RetentionQuery } from "@siyu/contracts";
import { ORDER_COMPLETED } from "../../profiles";
import type { CustomerVisitor, EventSequences } from "../../warehouse";
import type { LocalDays } from "../kpi/kpi-period";

/** One cohort's row: its first local day, its customers, and those who came back in period k = 0 … N. */
export interface RetentionRow {
  cohort: string;
  size: number;
  returned: number[];
}

const DAY_MS = 86_400_000;

/**
 * A bucket's serial number: consecutive buckets have consecutive numbers (days since the epoch; weeks
 * since the Monday before it; months since year 0), so k periods apart is a difference of k.
 */
function serialOf(day: string, interval: AnalyticsInterval): number {
  if (interval === "month") return Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1;
  const d = Date.parse(`${day}T00:00:00Z`) / DAY_MS;
  // 1970-01-01 was a Thursday: day −3 a Monday.
  return interval === "week" ? Math.floor((d + 3) / 7) : d;
}

/** A bucket's first day, YYYY-MM-DD (DuckDB's date_trunc). */
function firstDayOf(serial: number, interval: AnalyticsInterval): string {
  if (interval === "month") return `${String(Math.floor(serial / 12)).padStart(4, "0")}-${String((serial % 12) + 1).padStart(2, "0")}-01`;
  const d = interval === "week" ? serial * 7 - 3 : serial;
  return new Date(d * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The retention table over the in-memory event sequences, for cohort and return events given by name
 * alone (no filters): the rows the SQL statement (retention.query.ts) gives. Per customer, the first
 * cohort event ever (before the period's end) makes the cohort when it falls in the period; each
 * return event strictly after it and before the end is k buckets after the cohort's. `from` / `to`:
 * the period's first instant and the instant after it, epoch µs; `days` its local days.
 */
export function retentionRows(sequences: EventSequences, query: RetentionQuery, bounds: { from: number; to: number }, days: LocalDays): RetentionRow[] {
  const cohortEvent = query.cohort.kind === "first_order" ? ORDER_COMPLETED : query.cohort.event;
  const cohortName = sequences.nameNumber(cohortEvent);
  if (cohortName === undefined) return [];
  const returnName = sequences.nameNumber(query.returnEvent.event) ?? -1;
  // By kind: 1 the cohort event, 2 the return event.
  const role = new Uint8Array(sequences.kinds);
  for (let kind = 0; kind < sequences.kinds; kind++) {
    const name = sequences.kindName[kind]!;
    role[kind] = (name === cohortName ? 1 : 0) | (name === returnName ? 2 : 0);
  }
  const serial = new Int32Array(days.days.length);
  days.days.forEach((day, d) => (serial[d] = serialOf(day, query.interval)));
  const first = serial[0]!;
  const counter = new RetentionCounter(role, bounds.from, days, serial, serial[serial.length - 1]! - first + 1, query.periods, query.mode === "bounded");
  sequences.forEachCustomer(-Infinity, bounds.to, counter);
  const rows: RetentionRow[] = [];
  const width = query.periods + 1;
  for (let c = 0; c < counter.size.length; c++) {
    if (counter.size[c] === 0) continue;
    rows.push({ cohort: firstDayOf(first + c, query.interval), size: counter.size[c]!, returned: Array.from(counter.returned.subarray(c * width, c * width + width)) });
  }
  return rows;
}

/** Counts each visited customer into its cohort. A class for the same reason as the funnel's ChainFinder. */
class RetentionCounter implements CustomerVisitor {
  readonly size: Float64Array;
  /** returned[cohort * (periods + 1) + k]. */
  readonly returned: Float64Array;
  /** Bounded mode: the periods the customer came back in so far, and which those are. */
  private readonly seen: Uint8Array;
  private readonly seenList: Int32Array;

  constructor(
    private readonly role: Uint8Array,
    private readonly from: number,
    private readonly days: LocalDays,
    private readonly serial: Int32Array,
    cohorts: number,
    private readonly periods: number,
    private readonly bounded: boolean,
  ) {
    this.size = new Float64Array(cohorts);
    this.returned = new Float64Array(cohorts * (periods + 1));
    this.seen = new Uint8Array(periods + 1);
    this.seenList = new Int32Array(periods + 1);
  }

  visit(_profile: number, us: Float64Array, code: Int32Array, _ordinal: Int32Array, a: number, b: number): void {
    const { role, serial, days, periods, returned, seen, seenList } = this;
    let x = a;
    while (x < b && (role[code[x]!]! & 1) === 0) x++;
    if (x === b) return;
    const firstUs = us[x]!;
    if (firstUs < this.from) return;
    const cohortSerial = serial[days.indexOf(firstUs)]!;
    const row = (cohortSerial - serial[0]!) * (periods + 1);
    this.size[cohortSerial - serial[0]!]!++;
    let latest = -1;
    let marked = 0;
    for (let y = x + 1; y < b; y++) {
      if ((role[code[y]!]! & 2) === 0) continue;
      const u = us[y]!;
      // Strictly after the first event: one at the same instant does not count.
      if (u <= firstUs) continue;
      const k = serial[days.indexOf(u)]! - cohortSerial;
      if (this.bounded) {
        if (k <= periods && seen[k] === 0) {
          seen[k] = 1;
          seenList[marked++] = k;
          returned[row + k]!++;
        }
      } else if (k > latest) latest = k;
    }
    for (let i = 0; i < marked; i++) seen[seenList[i]!] = 0;
    for (let k = 0; k <= Math.min(latest, periods); k++) returned[row + k]!++;
  }
}
