/** Calendar arithmetic in a workspace's time zone: local days, midnights, months (expiry, earn days, birthdays, daily runs). */

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      weekday: "short",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  /** 1 = Monday … 7 = Sunday. */
  weekday: number;
  hour: number;
  minute: number;
  second: number;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

// Batches ask for the same second in the same zone over and over (a dispatcher batch's "now" for
// each of its 200 messages' caps and quiet hours, a batch of events logged within one second): the
// last answers are kept, as formatToParts is slow. Every instant of one second has the same parts
// (zone offsets are whole seconds).
const recent = new Map<string, LocalParts>();
const RECENT_MAX = 1024;

export function localParts(at: Date, timeZone: string): LocalParts {
  const key = `${timeZone} ${Math.floor(at.getTime() / 1000)}`;
  const known = recent.get(key);
  if (known) return { ...known };
  const parts = computeLocalParts(at, timeZone);
  if (recent.size >= RECENT_MAX) recent.clear();
  recent.set(key, parts);
  return { ...parts };
}

function computeLocalParts(at: Date, timeZone: string): LocalParts {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(at).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: WEEKDAYS[parts.weekday as string] ?? 1,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** YYYY-MM-DD of `at` in the zone. */
export function localDay(at: Date, timeZone: string): string {
  const p = localParts(at, timeZone);
  return `${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
}

/** The instant a local wall-clock midnight happens in the zone. */
export function zonedMidnight(year: number, month: number, day: number, timeZone: string): Date {
  const guess = Date.UTC(year, month - 1, day);
  // Two passes settle the offset, also across a DST change.
  let at = guess;
  for (let i = 0; i < 2; i++) {
    const p = localParts(new Date(at), timeZone);
    const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    at = guess - (asUtc - at);
  }
  return new Date(at);
}

/** The instant a local calendar day (YYYY-MM-DD) begins in the zone. */
export function startOfLocalDay(day: string, timeZone: string): Date {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  return zonedMidnight(year, month, date, timeZone);
}

/** The instant after a local calendar day (YYYY-MM-DD) ends: the next day's midnight in the zone. */
export function endOfLocalDay(day: string, timeZone: string): Date {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  const next = new Date(Date.UTC(year, month - 1, date + 1));
  return zonedMidnight(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), timeZone);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `at` plus whole calendar months (the day clamped to the target month's length), keeping the time of day in UTC. */
export function addMonths(at: Date, months: number): Date {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth() + months;
  const targetYear = y + Math.floor(m / 12);
  const targetMonth = ((m % 12) + 12) % 12;
  const day = Math.min(at.getUTCDate(), daysInMonth(targetYear, targetMonth + 1));
  return new Date(Date.UTC(targetYear, targetMonth, day, at.getUTCHours(), at.getUTCMinutes(), at.getUTCSeconds(), at.getUTCMilliseconds()));
}

export function addDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * 86_400_000);
}

/** A local day (YYYY-MM-DD) plus whole days, as a local day: calendar arithmetic, no time zone involved. */
export function addLocalDays(day: string, days: number): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}
