import type { Db } from "@siyu/storage";
import { localDay, localParts } from "../shared/local-time";
import { DEFAULT_SCORES_SETTINGS, ScoresSettingsDto } from "@siyu/contracts";
import { defineWorkspaceSettings } from "../settings";

// The defaults live in @siyu/contracts (DEFAULT_SCORES_SETTINGS) so the console shows the same ones.

/** The workspace's scoring settings, kept in workspace_settings under "scores"; PUT replaces them whole. */
export const scoresSettingsStore = defineWorkspaceSettings({
  module: "scores",
  schema: ScoresSettingsDto,
  defaults: DEFAULT_SCORES_SETTINGS,
  audit: { action: "scores.settings_updated", targetType: "scores_settings", summary: "Changed RFM, lifecycle and value pyramid settings" },
});

export const loadScoresSettings = (db: Db, workspaceId: string): Promise<ScoresSettingsDto> => scoresSettingsStore.load(db, workspaceId);

/** Whether the daily run is due: at or after the local hour, and no run since that hour today. */
export function isDailyRunDue(now: Date, lastRunAt: Date | null, timeZone: string, hour: number): boolean {
  const local = (d: Date) => {
    const p = localParts(d, timeZone);
    return { day: localDay(d, timeZone), hour: p.hour };
  };
  const current = local(now);
  if (current.hour < hour) return false;
  if (!lastRunAt) return true;
  const last = local(lastRunAt);
  return last.day < current.day || (last.day === current.day && last.hour < hour);
}
