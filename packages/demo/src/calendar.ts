// Date arithmetic for the demo window. Asia/Shanghai has had no daylight saving time since 1991,
// so local midnight is always 16:00 UTC of the previous day and a fixed offset is exact.
export const SHANGHAI_UTC_OFFSET_MS = 8 * 60 * 60 * 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 for a calendar date "YYYY-MM-DD"; throws if the date does not exist. */
export function parseIsoDate(value: string, label = "date"): number {
  const match = ISO_DATE.exec(value);
  if (!match) throw new RangeError(`${label} must be an ISO date (YYYY-MM-DD), got "${value}"`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new RangeError(`${label} is not a calendar date: "${value}"`);
  }
  return ms / DAY_MS;
}

/** "YYYY-MM-DD" for a day number (days since 1970-01-01). */
export function formatIsoDate(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

/** Shifts a day number by whole months, clamping the day of month (Mar 31 − 1 month = Feb 28/29). */
export function addMonths(dayNumber: number, months: number): number {
  const date = new Date(dayNumber * DAY_MS);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(year, month, Math.min(date.getUTCDate(), lastDay)) / DAY_MS;
}

/** The UTC instant (ms) of local midnight in Asia/Shanghai at the start of a day number. */
export function shanghaiMidnightMs(dayNumber: number): number {
  return dayNumber * DAY_MS - SHANGHAI_UTC_OFFSET_MS;
}

/** The Asia/Shanghai calendar day (day number) an instant falls on. */
export function shanghaiDayOf(instantMs: number): number {
  return Math.floor((instantMs + SHANGHAI_UTC_OFFSET_MS) / DAY_MS);
}

/** 0 = Sunday … 6 = Saturday, as for Date#getUTCDay. */
export function weekdayOf(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

export function formatInstant(instantMs: number): string {
  return new Date(instantMs).toISOString();
}
