import { addLocalDays, localDay, localParts } from "../../shared/local-time";

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The instant a local wall-clock time happens on a local day; a time skipped by DST falls to the first instant after the gap. */
export function zonedTime(day: string, hhmm: string, timeZone: string): Date {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d, Number(hhmm.slice(0, 2)), Number(hhmm.slice(3, 5)));
  let at = guess;
  for (let i = 0; i < 3; i++) {
    const p = localParts(new Date(at), timeZone);
    const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    at = guess - (asUtc - at);
  }
  // In a spring-forward gap the passes land an hour early, before the wanted wall time: move past it.
  const p = localParts(new Date(at), timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  return wall < guess ? new Date(at + (guess - wall)) : new Date(at);
}

/**
 * When quiet hours [start, end) (local, possibly across midnight) hold `now`, the instant they end;
 * null when `now` is outside them.
 */
export function quietHoursEnd(now: Date, window: { start: string; end: string }, timeZone: string): Date | null {
  const p = localParts(now, timeZone);
  const minute = p.hour * 60 + p.minute;
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  if (start === end) return null;
  const today = localDay(now, timeZone);
  if (start < end) return minute >= start && minute < end ? zonedTime(today, window.end, timeZone) : null;
  if (minute >= start) return zonedTime(addLocalDays(today, 1), window.end, timeZone);
  if (minute < end) return zonedTime(today, window.end, timeZone);
  return null;
}
