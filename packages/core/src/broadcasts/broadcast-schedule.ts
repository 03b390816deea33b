import { addLocalDays, localDay, localParts } from "../shared/local-time";

const DAY = 86_400_000;

/**
 * The instant a local wall-clock time happens on a local day in the zone. A time skipped by a
 * spring-forward change lands just after the gap (02:30 on a day that jumps 02:00 → 03:00 is 03:30).
 */
export function atLocalTime(day: string, time: { hour: number; minute: number; second?: number }, timeZone: string): Date {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, time.hour, time.minute, time.second ?? 0);
  // Two passes settle the zone's offset, also across a DST change.
  let at = wall;
  for (let i = 0; i < 2; i++) {
    const p = localParts(new Date(at), timeZone);
    at = wall - (Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - at);
  }
  return new Date(at);
}

/** Occurrence `index` (0 = the start) of a broadcast repeating every `everyDays` days at the start's local time. */
export function occurrenceAt(startAt: Date, everyDays: number, index: number, timeZone: string): Date {
  if (index === 0) return startAt;
  const p = localParts(startAt, timeZone);
  return atLocalTime(addLocalDays(localDay(startAt, timeZone), index * everyDays), p, timeZone);
}

/**
 * The first occurrence after `current` that is still ahead of `now` (occurrences missed while the
 * worker was down are skipped, not sent in a burst), with its index.
 */
export function nextOccurrence(startAt: Date, everyDays: number, current: number, now: Date, timeZone: string): { index: number; at: Date } {
  // Jump close to now first, then step (DST makes a day 23–25 hours).
  let index = Math.max(current + 1, Math.floor((now.getTime() - startAt.getTime()) / (everyDays * DAY)));
  let at = occurrenceAt(startAt, everyDays, index, timeZone);
  while (at <= now) at = occurrenceAt(startAt, everyDays, ++index, timeZone);
  return { index, at };
}

/** When the message numbered `ordinal` (0-based) of an occurrence is due: `perMinute` messages a minute, evenly spread from `base`. */
export function throttledDueAt(base: Date, ordinal: number, perMinute: number): Date {
  return new Date(base.getTime() + Math.floor((ordinal * 60_000) / perMinute));
}
