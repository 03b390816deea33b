import type { KpiPeriodDto } from "@siyu/contracts";
import { localDay, zonedMidnight } from "../../shared/local-time";

// Periods are whole local days in the workspace's time zone: [from 00:00, to + 1 day 00:00).

const DAY_MS = 86_400_000;

/** A YYYY-MM-DD calendar day moved by whole days (pure calendar arithmetic, no zone). */
export function shiftDay(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Days from `from` to `to`, both included. */
export function dayCount(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
}

/** Every day of the period, in order. */
export function daysOf(from: string, to: string): string[] {
  return Array.from({ length: Math.max(0, dayCount(from, to)) }, (_, i) => shiftDay(from, i));
}

/** The instant a local day starts in the zone. */
export function startOfDay(day: string, timeZone: string): Date {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return zonedMidnight(y, m, d, timeZone);
}

export interface KpiPeriod extends KpiPeriodDto {
  /** First instant of the period (local midnight of `from`). */
  start: Date;
  /** First instant after the period (local midnight after `to`). */
  end: Date;
}

export function periodOf(from: string, to: string, timeZone: string): KpiPeriod {
  return { from, to, days: dayCount(from, to), start: startOfDay(from, timeZone), end: startOfDay(shiftDay(to, 1), timeZone) };
}

/** The period of the same length that ends the day before `period` starts. */
export function previousPeriodOf(period: KpiPeriodDto, timeZone: string): KpiPeriod {
  return periodOf(shiftDay(period.from, -period.days), shiftDay(period.from, -1), timeZone);
}

/** The default period: the `days` local days ending yesterday. */
export function lastDays(now: Date, timeZone: string, days: number): KpiPeriod {
  const to = shiftDay(localDay(now, timeZone), -1);
  return periodOf(shiftDay(to, -(days - 1)), to, timeZone);
}

/** ISO week "2026-W07" → its Monday (YYYY-MM-DD). Null for a week the year does not have. */
export function mondayOfIsoWeek(week: string): string | null {
  const match = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!match) return null;
  const year = Number(match[1]);
  const n = Number(match[2]);
  // 4 January is always in week 1.
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const week1Monday = Date.UTC(year, 0, 4) - ((jan4.getUTCDay() + 6) % 7) * DAY_MS;
  const monday = new Date(week1Monday + (n - 1) * 7 * DAY_MS).toISOString().slice(0, 10);
  return isoWeekOf(monday) === week ? monday : null;
}

/** The ISO week a calendar day belongs to. */
export function isoWeekOf(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  const weekday = (d.getUTCDay() + 6) % 7; // Monday 0
  const thursday = new Date(d.getTime() + (3 - weekday) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

export interface KpiWindows {
  current: KpiPeriod;
  previous: KpiPeriod;
  /** The period before the previous one (for the previous retention). */
  beforePrevious: KpiPeriod;
}

export function windowsOf(current: KpiPeriod, timeZone: string): KpiWindows {
  const previous = previousPeriodOf(current, timeZone);
  return { current, previous, beforePrevious: previousPeriodOf(previous, timeZone) };
}

/** A day of 24 hours in microseconds (local days differ around a change of offset: LocalDays). */
export const DAY_US = 86_400_000_000;

/** The local days from `first` to `last` in a zone, with each one's first instant: which day an instant falls on. */
export class LocalDays {
  readonly days: string[];
  /** Each day's first instant in epoch µs, then the first instant after the last day. */
  readonly starts: Float64Array;

  constructor(first: string, last: string, timeZone: string) {
    this.days = daysOf(first, last);
    this.starts = new Float64Array(this.days.length + 1);
    this.days.forEach((d, i) => (this.starts[i] = startOfDay(d, timeZone).getTime() * 1000));
    this.starts[this.days.length] = startOfDay(shiftDay(last, 1), timeZone).getTime() * 1000;
  }

  /** The index of the day `us` falls on (clamped to the days held). */
  indexOf(us: number): number {
    const { starts } = this;
    const last = starts.length - 2;
    // Days are 24 hours but around a change of offset: a guess, then a step or two either way.
    let d = Math.floor((us - starts[0]!) / DAY_US);
    if (d > last) d = last;
    if (d < 0) d = 0;
    while (d > 0 && us < starts[d]!) d--;
    while (d < last && us >= starts[d + 1]!) d++;
    return d;
  }

  /** The index of a day held (−1: not held). */
  at(day: string): number {
    const i = dayCount(this.days[0]!, day) - 1;
    return i >= 0 && i < this.days.length ? i : -1;
  }
}
