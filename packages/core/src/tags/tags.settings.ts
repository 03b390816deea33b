import { z } from "zod";
import { defineWorkspaceSettings } from "../settings";

/** Per-workspace tag settings, edited through PATCH /tags/settings. */
export const TagSettings = z.object({
  /** How often the worker recomputes the workspace's rule and quantile tags (default daily). */
  recomputeIntervalMinutes: z.number().int().min(5).max(10_080).default(1440),
});
export type TagSettings = z.infer<typeof TagSettings>;
export const DEFAULT_TAG_SETTINGS: TagSettings = TagSettings.parse({});

/** The workspace's tag settings, kept in workspace_settings under "tags". */
export const tagSettingsStore = defineWorkspaceSettings({
  module: "tags",
  schema: TagSettings,
  defaults: DEFAULT_TAG_SETTINGS,
  audit: { action: "tags.settings_updated", targetType: "tag_settings", summary: "Changed tag settings" },
});

/** The scheme a new quantile tag starts with in the console: the brand plans' spending power. */
export const DEFAULT_QUANTILE_LEVELS = [
  { tagName: "high", topPercent: 20 },
  { tagName: "medium", topPercent: 30 },
  { tagName: "low" },
] as const;
