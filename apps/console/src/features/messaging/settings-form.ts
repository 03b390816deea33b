import { CHANNELS, type Channel, type ChannelSettings, type MessagingSettings } from "@siyu/contracts";
import { parseIssuePath } from "../../lib/api";
import type { ValidationIssue } from "../../lib/api/field-errors";
import type { FieldName } from "./template-form";

export type ConfigKind = "text" | "secret" | "number" | "boolean";
export type ConfigKey = { key: string; kind: ConfigKind };

export const SMS_PROVIDERS = ["aliyun", "tencent"] as const;
export type SmsProvider = (typeof SMS_PROVIDERS)[number];

const text = (key: string): ConfigKey => ({ key, kind: "text" });
const secret = (key: string): ConfigKey => ({ key, kind: "secret" });
const num = (key: string): ConfigKey => ({ key, kind: "number" });

const SMS_KEYS: Readonly<Record<SmsProvider, readonly ConfigKey[]>> = {
  aliyun: [text("accessKeyId"), secret("accessKeySecret"), text("signName")],
  tencent: [text("secretId"), secret("secretKey"), text("smsSdkAppId"), text("signName")],
};

/** The provider keys each channel knows, shown as labelled inputs; any other key stays editable as a raw pair. */
const CHANNEL_KEYS: Readonly<Record<Exclude<Channel, "sms">, readonly ConfigKey[]>> = {
  email: [text("host"), num("port"), { key: "secure", kind: "boolean" }, text("user"), secret("password"), text("from")],
  wecom: [text("corpId"), secret("secret"), text("defaultSender"), num("allowancePerDay"), num("allowancePerWeek"), num("allowancePerMonth")],
  wechat_subscribe: [text("appId"), secret("secret")],
  wechat_template: [text("appId"), secret("secret")],
  webhook: [text("url"), secret("secret")],
  inbox: [],
};

/** The SMS provider a config names (Aliyun unless it says Tencent). */
export function smsProviderOf(config: Readonly<Record<string, unknown>>): SmsProvider {
  return config.provider === "tencent" ? "tencent" : "aliyun";
}

/** The labelled keys shown for a channel (for SMS, those of the chosen provider). */
export function configKeysFor(channel: Channel, provider: SmsProvider = "aliyun"): readonly ConfigKey[] {
  return channel === "sms" ? SMS_KEYS[provider] : CHANNEL_KEYS[channel];
}

/** Every key the form knows for a channel, whatever the provider ("provider" included for SMS). */
function knownKeys(channel: Channel): Map<string, ConfigKind> {
  const keys = channel === "sms" ? [text("provider"), ...SMS_KEYS.aliyun, ...SMS_KEYS.tencent] : CHANNEL_KEYS[channel];
  return new Map(keys.map((k) => [k.key, k.kind]));
}

export type ConfigValue = string | number | boolean | null;
export type ExtraRow = { key: string; value: string };
export type ChannelFormValues = {
  enabled: boolean;
  dailyCap: number | null;
  /** Known keys; a secret's input starts empty ("leave blank to keep"). */
  config: Record<string, ConfigValue>;
  /** Keys the form has no input for, kept as raw pairs. */
  extra: ExtraRow[];
};
export type SettingsFormValues = {
  channels: Record<Channel, ChannelFormValues>;
  targetedPerDay: number | null;
  generalPerDay: number | null;
  maxAttempts: number | null;
  retryBaseSeconds: number | null;
  quietEnabled: boolean;
  quietStart: string;
  quietEnd: string;
  smsUnsubscribeText: string;
  unsubscribeKeywords: string[];
  dryRun: boolean;
};

/** The secrets a channel has on the server (masked): kept when their input is left blank. */
export type StoredSecrets = Partial<Record<Channel, Record<string, string>>>;

function channelToForm(channel: Channel, settings: ChannelSettings | undefined): { form: ChannelFormValues; secrets: Record<string, string> } {
  const known = knownKeys(channel);
  const config: Record<string, ConfigValue> = {};
  const extra: ExtraRow[] = [];
  const secrets: Record<string, string> = {};
  for (const [key, value] of Object.entries(settings?.config ?? {})) {
    const kind = known.get(key);
    if (kind === undefined) extra.push({ key, value });
    else if (kind === "secret") {
      if (value !== "") secrets[key] = value;
      config[key] = "";
    } else if (kind === "number") config[key] = value.trim() === "" || Number.isNaN(Number(value)) ? null : Number(value);
    else if (kind === "boolean") config[key] = value === "true";
    else config[key] = value;
  }
  if (channel === "sms") config.provider = smsProviderOf(config);
  return { form: { enabled: settings?.enabled ?? false, dailyCap: settings?.dailyCap ?? null, config, extra }, secrets };
}

export function settingsToForm(settings: MessagingSettings): { form: SettingsFormValues; secrets: StoredSecrets } {
  const channels = {} as Record<Channel, ChannelFormValues>;
  const secrets: StoredSecrets = {};
  for (const channel of CHANNELS) {
    const result = channelToForm(channel, settings.channels[channel]);
    channels[channel] = result.form;
    if (Object.keys(result.secrets).length > 0) secrets[channel] = result.secrets;
  }
  return {
    form: {
      channels,
      targetedPerDay: settings.targetedPerDay,
      generalPerDay: settings.generalPerDay,
      maxAttempts: settings.maxAttempts,
      retryBaseSeconds: settings.retryBaseSeconds,
      quietEnabled: settings.quietHours.enabled,
      quietStart: settings.quietHours.start,
      quietEnd: settings.quietHours.end,
      smsUnsubscribeText: settings.smsUnsubscribeText,
      unsubscribeKeywords: [...settings.unsubscribeKeywords],
      dryRun: settings.dryRun,
    },
    secrets,
  };
}

function configValueToString(kind: ConfigKind, value: ConfigValue | undefined): string {
  if (value === null || value === undefined) return "";
  if (kind === "boolean") return value === true ? "true" : "false";
  return String(value).trim();
}

/**
 * One channel's config for the API: the labelled keys of the current provider (empty ones left out),
 * a secret typed anew or else the masked value the server sent (which keeps it), and the raw pairs.
 */
export function channelFormToConfig(channel: Channel, form: ChannelFormValues, stored: Readonly<Record<string, string>> = {}): Record<string, string> {
  const config: Record<string, string> = {};
  for (const row of form.extra ?? []) {
    const key = (row?.key ?? "").trim();
    if (key) config[key] = row.value ?? "";
  }
  const provider = smsProviderOf(form.config ?? {});
  if (channel === "sms") config.provider = provider;
  for (const { key, kind } of configKeysFor(channel, provider)) {
    const typed = configValueToString(kind, form.config?.[key]);
    if (kind === "secret") {
      const kept = typed !== "" ? typed : stored[key];
      if (kept !== undefined && kept !== "") config[key] = kept;
    } else if (typed !== "") {
      config[key] = typed;
    }
  }
  return config;
}

/** Empty numbers go as NaN so the server names the field instead of the form guessing a value. */
const numberOrNaN = (v: number | null | undefined) => (typeof v === "number" ? v : Number.NaN);

export function formToSettings(form: SettingsFormValues, secrets: StoredSecrets): MessagingSettings {
  const channels: MessagingSettings["channels"] = {};
  for (const channel of CHANNELS) {
    const values = form.channels[channel];
    if (!values) continue;
    channels[channel] = {
      enabled: values.enabled ?? false,
      config: channelFormToConfig(channel, values, secrets[channel]),
      dailyCap: typeof values.dailyCap === "number" ? values.dailyCap : null,
    };
  }
  return {
    channels,
    targetedPerDay: numberOrNaN(form.targetedPerDay),
    generalPerDay: numberOrNaN(form.generalPerDay),
    maxAttempts: numberOrNaN(form.maxAttempts),
    retryBaseSeconds: numberOrNaN(form.retryBaseSeconds),
    quietHours: { enabled: form.quietEnabled, start: form.quietStart, end: form.quietEnd },
    smsUnsubscribeText: form.smsUnsubscribeText ?? "",
    unsubscribeKeywords: (form.unsubscribeKeywords ?? []).map((k) => k.trim()).filter((k) => k !== ""),
    dryRun: form.dryRun,
  };
}

/** Whether a secret is stored on the server, for the "set — leave blank to keep" hint. */
export function hasStoredSecret(secrets: StoredSecrets, channel: Channel, key: string): boolean {
  return Boolean(secrets[channel]?.[key]);
}

const TOP_FIELDS: Record<string, string> = {
  targetedPerDay: "targetedPerDay",
  generalPerDay: "generalPerDay",
  maxAttempts: "maxAttempts",
  retryBaseSeconds: "retryBaseSeconds",
  smsUnsubscribeText: "smsUnsubscribeText",
  unsubscribeKeywords: "unsubscribeKeywords",
  dryRun: "dryRun",
};
const QUIET_FIELDS: Record<string, string> = { enabled: "quietEnabled", start: "quietStart", end: "quietEnd" };

/**
 * The form field a settings issue is about: `channels.sms.config.signName` → that input (or the raw
 * pairs when the form has no input for the key), `quietHours.start` → quietStart; null when none.
 */
export function settingsIssueField(path: string): FieldName | null {
  const [first, second, third, fourth] = parseIssuePath(path);
  if (typeof first !== "string") return null;
  if (TOP_FIELDS[first]) return TOP_FIELDS[first];
  if (first === "quietHours") return typeof second === "string" && QUIET_FIELDS[second] ? QUIET_FIELDS[second] : "quietStart";
  if (first === "channels" && typeof second === "string" && (CHANNELS as readonly string[]).includes(second)) {
    const channel = second as Channel;
    if (third === "enabled" || third === "dailyCap") return ["channels", channel, third];
    if (third === "config") {
      if (typeof fourth === "string" && knownKeys(channel).has(fourth)) return ["channels", channel, "config", fourth];
      return ["channels", channel, "extra"];
    }
    return ["channels", channel, "enabled"];
  }
  return null;
}

export function mapSettingsIssues(issues: readonly ValidationIssue[]): { fieldErrors: { name: FieldName; errors: string[] }[]; otherMessages: string[]; channels: Channel[] } {
  const byField = new Map<string, { name: FieldName; errors: string[] }>();
  const otherMessages: string[] = [];
  const channels = new Set<Channel>();
  for (const issue of issues) {
    const name = settingsIssueField(issue.path);
    if (name === null) {
      otherMessages.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
      continue;
    }
    if (Array.isArray(name)) channels.add(name[1] as Channel);
    const key = JSON.stringify(name);
    const entry = byField.get(key) ?? { name, errors: [] };
    entry.errors.push(issue.message);
    byField.set(key, entry);
  }
  return { fieldErrors: [...byField.values()], otherMessages, channels: [...channels] };
}
