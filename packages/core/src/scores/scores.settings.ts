import { eq } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { ScoresSettingsDto } from "@siyu/contracts";
import { scoresSettings } from "./scores.schema";

// The defaults live in @siyu/contracts (DEFAULT_SCORES_SETTINGS) so the console shows the same ones.

export async function loadScoresSettings(db: Db, workspaceId: string): Promise<ScoresSettingsDto> {
  const [row] = await db.select().from(scoresSettings).where(eq(scoresSettings.workspaceId, workspaceId));
  const parsed = ScoresSettingsDto.safeParse(row?.settings ?? {});
  // A stored row written by an older version that no longer validates falls back to the defaults.
  return parsed.success ? parsed.data : ScoresSettingsDto.parse({});
}

/** Whether the daily run is due: at or after the local hour, and no run since that hour today. */
export function isDailyRunDue(now: Date, lastRunAt: Date | null, timeZone: string, hour: number): boolean {
  const local = (d: Date) => {
    const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", hourCycle: "h23" }).formatToParts(d);
    const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
    return { day: `${get("year")}-${get("month")}-${get("day")}`, hour: Number(get("hour")) };
  };
  const current = local(now);
  if (current.hour < hour) return false;
  if (!lastRunAt) return true;
  const last = local(lastRunAt);
  return last.day < current.day || (last.day === current.day && last.hour < hour);
}
