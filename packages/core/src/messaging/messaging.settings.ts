import type { Db } from "@siyu/storage";
import { MessagingSettings, type Channel } from "@siyu/contracts";
import { defineWorkspaceSettings } from "../settings";
import type { Clock } from "../shared/clock";
import type { WorkspaceContext } from "../shared/context";
import { messagingErrors } from "./messaging.errors";

export const messagingSettingsStore = defineWorkspaceSettings({
  module: "messaging",
  schema: MessagingSettings,
  defaults: MessagingSettings.parse({}),
  audit: { action: "messaging.settings_changed", targetType: "workspace", summary: "Messaging settings changed" },
  check: (s) => (s.quietHours.enabled && s.quietHours.start === s.quietHours.end ? [{ field: "quietHours.end", message: "must differ from quietHours.start" }] : []),
  invalid: (p) => messagingErrors.error("messaging.invalid_settings", `${p.field} ${p.message}`, { field: p.field }),
});

/** Provider config keys holding credentials: write-only, shown masked. */
const SECRET_KEY = /secret|password|key|token/i;
export const SECRET_MASK = "********";

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** The settings as an operator sees them: every credential replaced by the mask (an empty one stays empty). */
export function maskSettings(settings: MessagingSettings): MessagingSettings {
  const channels: MessagingSettings["channels"] = {};
  for (const [channel, cs] of Object.entries(settings.channels) as [Channel, NonNullable<MessagingSettings["channels"][Channel]>][]) {
    channels[channel] = { ...cs, config: Object.fromEntries(Object.entries(cs.config).map(([k, v]) => [k, isSecretKey(k) && v !== "" ? SECRET_MASK : v])) };
  }
  return { ...settings, channels };
}

/** PUT semantics; a credential sent back as the mask keeps the stored value. */
export async function replaceMessagingSettings(db: Db, clock: Clock, ctx: WorkspaceContext, body: MessagingSettings): Promise<MessagingSettings> {
  const before = await messagingSettingsStore.load(db, ctx.workspaceId);
  const channels: MessagingSettings["channels"] = {};
  for (const [channel, cs] of Object.entries(body.channels) as [Channel, NonNullable<MessagingSettings["channels"][Channel]>][]) {
    const stored = before.channels[channel]?.config ?? {};
    channels[channel] = { ...cs, config: Object.fromEntries(Object.entries(cs.config).map(([k, v]) => [k, v === SECRET_MASK && isSecretKey(k) ? (stored[k] ?? "") : v])) };
  }
  return messagingSettingsStore.replace(db, clock, ctx, { ...body, channels });
}

/** The channels the workspace has switched on. */
export async function enabledChannels(db: Db, workspaceId: string): Promise<Set<Channel>> {
  const settings = await messagingSettingsStore.load(db, workspaceId);
  return new Set((Object.entries(settings.channels) as [Channel, { enabled: boolean } | undefined][]).filter(([, c]) => c?.enabled).map(([c]) => c));
}
