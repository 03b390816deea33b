import { z } from "zod";
import { defineWorkspaceSettings } from "../settings";

/**
 * Per-workspace identity rules. A link that would give a profile more identifiers
 * of a type than `maxPerProfile` allows is refused and queued as a conflict,
 * instead of merging two people.
 */
export const IdentitySettings = z.object({
  maxPerProfile: z.record(z.string(), z.number().int().min(1).max(1000)).default({ phone: 1, wechat_unionid: 1, user_id: 1 }),
  /** Values that clients send when they have no id: never linked. Compared case-insensitively. */
  junkValues: z
    .array(z.string())
    .default(["", "null", "undefined", "none", "nil", "nan", "0", "-1", "guest", "anonymous", "unknown", "test", "[object object]", "00000000-0000-0000-0000-000000000000"]),
  defaultPhoneRegion: z.string().length(2).default("CN"),
});
export type IdentitySettings = z.infer<typeof IdentitySettings>;
export const DEFAULT_IDENTITY_SETTINGS: IdentitySettings = IdentitySettings.parse({});

/** The workspace's identity rules, kept in workspace_settings under "identity". */
export const identitySettingsStore = defineWorkspaceSettings({
  module: "identity",
  schema: IdentitySettings,
  defaults: DEFAULT_IDENTITY_SETTINGS,
  audit: { action: "identity.settings_updated", targetType: "identity_settings", summary: "Changed identity merge rules" },
});
