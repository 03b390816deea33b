import { z } from "zod";
import { defineWorkspaceSettings } from "../settings";

/** Per-workspace segment defaults, editable through the API. */
export const SegmentSettings = z.object({
  /** The refresh interval a new segment gets when none is given. */
  defaultRefreshEveryMinutes: z.number().int().min(5).max(7 * 24 * 60).default(60),
  /** How far back the catalogue looks for events and their property keys. */
  catalogueLookbackDays: z.number().int().min(1).max(3650).default(90),
  /**
   * A preview first copies the workspace's profiles to the warehouse when this process last did
   * so longer ago than this (create and refresh always do): new customers count within it.
   */
  previewFreshnessSeconds: z.number().int().min(0).max(86_400).default(60),
});
export type SegmentSettings = z.infer<typeof SegmentSettings>;
export const DEFAULT_SEGMENT_SETTINGS: SegmentSettings = SegmentSettings.parse({});

/** The workspace's segment settings, kept in workspace_settings under "segments". */
export const segmentSettingsStore = defineWorkspaceSettings({
  module: "segments",
  schema: SegmentSettings,
  defaults: DEFAULT_SEGMENT_SETTINGS,
  audit: { action: "segment.settings_updated", targetType: "segment_settings", summary: "Changed segment settings" },
});

/** Limits that protect the warehouse; not per workspace. */
export const SEGMENT_LIMITS = {
  /** Events listed in the catalogue, and property keys per event. */
  catalogueEvents: 200,
  cataloguePropertiesPerEvent: 50,
  /** Size points in a segment summary's trend. */
  trendPoints: 30,
  /** Rows written to PostgreSQL per statement when membership changes. */
  membershipChunk: 5_000,
} as const;
