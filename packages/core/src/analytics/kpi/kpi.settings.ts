import type { Db } from "@siyu/storage";
import { AnalyticsSettingsDto, DEFAULT_ANALYTICS_SETTINGS } from "@siyu/contracts";
import { defineWorkspaceSettings } from "../../settings";

/** The workspace's analytics settings, kept in workspace_settings under "analytics"; PUT replaces them whole. */
export const analyticsSettingsStore = defineWorkspaceSettings({
  module: "analytics",
  schema: AnalyticsSettingsDto,
  defaults: DEFAULT_ANALYTICS_SETTINGS,
  audit: { action: "analytics.settings_updated", targetType: "analytics_settings", summary: "Changed analytics settings (churn days, margin rates, referral and NPS events, acquisition window)" },
});

export const loadAnalyticsSettings = (db: Db, workspaceId: string): Promise<AnalyticsSettingsDto> => analyticsSettingsStore.load(db, workspaceId);
