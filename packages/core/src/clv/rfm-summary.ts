/**
 * From transactions to the per-customer summary the BG/NBD and Gamma-Gamma models use
 * (Fader, Hardie & Lee 2005):
 *
 * - purchases on the same calendar day count once, and that day's value is the sum of its
 *   transactions;
 * - x: the number of repeat purchase days (days with a purchase after the first) up to and
 *   including the calibration end;
 * - t_x: time from the first purchase to the last purchase day; T: time from the first purchase
 *   to the calibration end, both in the chosen unit (a day, or a week of 7 days);
 * - monetary: the mean value of the repeat purchase days (the first purchase is left out, as in
 *   the Gamma-Gamma paper); null when x = 0.
 *
 * Days are whole day numbers (days since 1970-01-01 in whatever calendar the caller bucketed in);
 * transactions after the calibration end are ignored.
 */

export type ClvTimeUnit = "day" | "week";

export const UNIT_DAYS: Record<ClvTimeUnit, number> = { day: 1, week: 7 };

export interface ClvTransaction {
  customerId: string;
  /** Calendar day number: days since 1970-01-01. */
  day: number;
  /** Order value in major units. */
  amount: number;
}

export interface CustomerSummary {
  customerId: string;
  /** Repeat purchase days in the calibration period. */
  x: number;
  /** Time of the last purchase day, from the first purchase, in the unit. */
  tx: number;
  /** Time from the first purchase to the calibration end, in the unit. */
  T: number;
  /** Mean value of the repeat purchase days; null without a repeat. */
  monetary: number | null;
  firstDay: number;
  lastDay: number;
}

/** Sums transactions per customer and day, then summarises each customer whose first purchase is on or before the calibration end. */
export function summariseTransactions(transactions: Iterable<ClvTransaction>, calibrationEndDay: number, unit: ClvTimeUnit): CustomerSummary[] {
  const byCustomer = new Map<string, Map<number, number>>();
  for (const t of transactions) {
    if (t.day > calibrationEndDay) continue;
    let days = byCustomer.get(t.customerId);
    if (!days) {
      days = new Map();
      byCustomer.set(t.customerId, days);
    }
    days.set(t.day, (days.get(t.day) ?? 0) + t.amount);
  }
  const unitDays = UNIT_DAYS[unit];
  const out: CustomerSummary[] = [];
  for (const [customerId, days] of byCustomer) {
    const sorted = [...days.keys()].sort((a, b) => a - b);
    const firstDay = sorted[0]!;
    const lastDay = sorted[sorted.length - 1]!;
    const x = sorted.length - 1;
    let repeatValue = 0;
    for (let i = 1; i < sorted.length; i++) repeatValue += days.get(sorted[i]!)!;
    out.push({
      customerId,
      x,
      tx: (lastDay - firstDay) / unitDays,
      T: (calibrationEndDay - firstDay) / unitDays,
      monetary: x > 0 ? repeatValue / x : null,
      firstDay,
      lastDay,
    });
  }
  return out;
}

/** Day number of an ISO calendar date (yyyy-MM-dd) or a compact one (yyyyMMdd); undefined when it is not a real date. */
export function dayNumberOf(text: string, format: "yyyy-MM-dd" | "yyyyMMdd" = "yyyy-MM-dd"): number | undefined {
  const m = format === "yyyyMMdd" ? /^(\d{4})(\d{2})(\d{2})$/.exec(text.trim()) : /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return ms / 86_400_000;
}

/** The ISO date of a day number. */
export function isoDateOf(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}
