/**
 * Pure readers of single CSV cells: dates and times in the formats exports use,
 * decimal amounts, gender and birthday. Each answers a value or the reason it is
 * not one, worded to follow the column name in a report ("ordered_at: is not …").
 */
export type CellResult<T> = { value: T } | { error: string };

const NAIVE_DATE_TIME =
  /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?$/;
const CHINESE_DATE_TIME = /^(\d{4})年(\d{1,2})月(\d{1,2})日\s*(?:(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?)?$/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/;
const WITH_OFFSET = /^(\d{4}-\d{2}-\d{2})[T\s](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)\s*(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * A point in time. With an offset (ISO 8601, `Z` or `+08:00`) it is taken as
 * given; without one (`2026-11-01 08:00`, `2026/11/01`, `20261101`,
 * `2026年11月1日 8:00`) it is a wall-clock time in the workspace's time zone.
 * Unix time in seconds (10 digits) or milliseconds (13 digits) is read too.
 */
export function parseDateTime(raw: string, timeZone: string): CellResult<Date> {
  const text = raw.trim();
  const withOffset = WITH_OFFSET.exec(text);
  if (withOffset) {
    const offset = withOffset[3]!.toUpperCase() === "Z" ? "Z" : withOffset[3]!.replace(/^([+-]\d{2})(\d{2})$/, "$1:$2");
    const [y, m, d] = withOffset[1]!.split("-").map(Number) as [number, number, number];
    if (!isCalendarDate(y, m, d)) return { error: `is not a real date (${withOffset[1]})` };
    const at = Date.parse(`${withOffset[1]}T${withOffset[2]}${offset}`);
    return Number.isNaN(at) ? { error: "is not a valid date-time" } : { value: new Date(at) };
  }
  if (/^\d{10}$/.test(text)) return { value: new Date(Number(text) * 1000) };
  if (/^\d{13}$/.test(text)) return { value: new Date(Number(text)) };
  const m = NAIVE_DATE_TIME.exec(text) ?? CHINESE_DATE_TIME.exec(text) ?? COMPACT_DATE.exec(text);
  if (!m) return { error: "is not a date-time: write 2026-11-01 08:00, 2026-11-01 or ISO 8601 with an offset" };
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, "0")) : 0;
  if (!isCalendarDate(year, month, day)) return { error: `is not a real date (${text})` };
  if (hour > 23 || minute > 59 || second > 59) return { error: `is not a real time of day (${text})` };
  return { value: new Date(zonedTimeToUtc(year, month, day, hour, minute, second, ms, timeZone)) };
}

/** A calendar date written YYYY-MM-DD (or YYYY/MM/DD, YYYYMMDD, YYYY年M月D日), as YYYY-MM-DD. */
export function parseCalendarDate(raw: string, today: Date): CellResult<string> {
  const text = raw.trim();
  const m =
    /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(text) ?? /^(\d{4})年(\d{1,2})月(\d{1,2})日$/.exec(text) ?? COMPACT_DATE.exec(text);
  if (!m) return { error: "is not a date: write YYYY-MM-DD" };
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isCalendarDate(year, month, day)) return { error: `is not a real date (${text})` };
  const iso = `${m[1]}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
  if (iso > today.toISOString().slice(0, 10)) return { error: "is in the future" };
  return { value: iso };
}

/** A decimal amount ≥ 0 in major units: `18.5`, `1234.50` or `1,234.50`; at most `maxDecimals` decimals. */
export function parseAmount(raw: string, maxDecimals: number): CellResult<number> {
  const text = raw.trim();
  if (/^-\d/.test(text)) return { error: "must be ≥ 0" };
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return { error: "is not a decimal number such as 18.50" };
  if ((m[2]?.length ?? 0) > maxDecimals) {
    return { error: maxDecimals === 0 ? "must be a whole number in this currency" : `has more than ${maxDecimals} decimals` };
  }
  const value = Number(`${m[1]!.replaceAll(",", "")}${m[2] ? `.${m[2]}` : ""}`);
  if (value > 1e9) return { error: "is larger than 1,000,000,000" };
  return { value };
}

export type Gender = "male" | "female" | "unknown";

const GENDERS: Record<string, Gender> = {
  male: "male",
  m: "male",
  man: "male",
  男: "male",
  female: "female",
  f: "female",
  woman: "female",
  女: "female",
  unknown: "unknown",
  u: "unknown",
  未知: "unknown",
};

export function parseGender(raw: string): CellResult<Gender> {
  const gender = GENDERS[raw.trim().toLowerCase()];
  return gender ? { value: gender } : { error: "must be male, female or unknown (男/女)" };
}

/** A whole number between `min` and `max`. */
export function parseCount(raw: string, min: number, max: number): CellResult<number> {
  const text = raw.trim();
  if (!/^\d+$/.test(text)) return { error: "is not a whole number" };
  const value = Number(text);
  return value < min || value > max ? { error: `must be between ${min} and ${max}` } : { value };
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (year < 1900 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** How far `timeZone` is ahead of UTC at the instant `at`, in milliseconds. */
function offsetAt(at: number, timeZone: string): number {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, format);
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(at))) parts[part.type] = Number(part.value);
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - Math.floor(at / 1000) * 1000;
}

/**
 * The UTC instant of a wall-clock time in a time zone. When a DST change repeats
 * the time it is the earlier instant; when the change skips it, the time is read
 * with the offset from before the change (02:30 on a spring-forward night is 03:30).
 */
export function zonedTimeToUtc(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Any offset change near this time happens within half a day of it.
  const before = offsetAt(wall - 43_200_000, timeZone);
  const after = offsetAt(wall + 43_200_000, timeZone);
  const candidates = [wall - before, wall - after].filter((at) => offsetAt(at, timeZone) === wall - at);
  return candidates.length > 0 ? Math.min(...candidates) : wall - before;
}
