import type { Db } from "@siyu/storage";
import { DEFAULT_LOYALTY_SETTINGS, LoyaltySettings } from "@siyu/contracts";
import { defineWorkspaceSettings } from "../settings";

// The schema and its defaults live in @siyu/contracts (LoyaltySettings) so the console shows the same ones.

/** The workspace's loyalty settings (earn rules, expiry, pending days, tiers, stored value), kept in workspace_settings under "loyalty"; PUT replaces them whole. */
export const loyaltySettingsStore = defineWorkspaceSettings({
  module: "loyalty",
  schema: LoyaltySettings,
  defaults: DEFAULT_LOYALTY_SETTINGS,
  audit: { action: "loyalty.settings_updated", targetType: "loyalty_settings", summary: "Loyalty settings changed" },
});

/** The stored settings merged over the defaults. Pass the transaction handle to read inside one. */
export const loadSettings = (db: Db, workspaceId: string): Promise<LoyaltySettings> => loyaltySettingsStore.load(db, workspaceId);
