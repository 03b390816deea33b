import type { CheckInSettings } from "@siyu/contracts";

/** The day of the bonus schedule a streak of `streak` days is on: it starts again after each cycle. */
export function cycleDayOf(settings: CheckInSettings, streak: number): number {
  return settings.cycleDays === null ? streak : ((streak - 1) % settings.cycleDays) + 1;
}

/** The bonus paid to the check-in that completes a streak of `streak` days (0 when none). */
export function streakBonusOf(settings: CheckInSettings, streak: number): number {
  const day = cycleDayOf(settings, streak);
  return settings.streakBonuses.find((b) => b.day === day)?.points ?? 0;
}

/** Length of the run of consecutive days ending at `day` (0 when `day` is not among them). Days are YYYY-MM-DD. */
export function runEndingAt(days: ReadonlySet<string>, day: string, previous: (day: string) => string): number {
  let n = 0;
  for (let d = day; days.has(d); d = previous(d)) n += 1;
  return n;
}
