import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";
import type { IdentitySettings } from "./identity.settings";

export const IDENTIFIER_TYPES = [
  "user_id",
  "anonymous_id",
  "phone",
  "email",
  "wechat_unionid",
  "wechat_openid",
  "wecom_external_userid",
  "douyin_openid",
  "tmall_id",
  "device_id",
] as const;
export type WellKnownIdentifierType = (typeof IDENTIFIER_TYPES)[number];

/** A typed identifier. Custom types are written `custom:<name>`; WeChat OpenIDs are per app: `<appId>:<openid>`. */
export interface Identifier {
  type: string;
  value: string;
}

export interface IdentifierError {
  path: string;
  message: string;
}

/** Which identifier anchors an event: the most stable one it carries. */
const ANCHOR_PRIORITY: readonly string[] = [
  "user_id",
  "phone",
  "wechat_unionid",
  "email",
  "wecom_external_userid",
  "wechat_openid",
  "douyin_openid",
  "tmall_id",
  "anonymous_id",
  "device_id",
];

export function identifierKey(id: Identifier): string {
  return `${id.type}\u0000${id.value}`;
}

export function anchorOf(ids: readonly Identifier[]): Identifier | null {
  let best: Identifier | null = null;
  let bestRank = Number.POSITIVE_INFINITY;
  for (const id of ids) {
    const rank = ANCHOR_PRIORITY.indexOf(id.type);
    const r = rank === -1 ? ANCHOR_PRIORITY.length : rank;
    if (r < bestRank || (r === bestRank && best && id.value < best.value)) {
      best = id;
      bestRank = r;
    }
  }
  return best;
}

export type NormaliseResult = { value: string } | { junk: true } | { error: string };

/** Normalises one raw value of a type: phones to E.164, emails lower-cased; junk is recognised, not linked. */
export function normaliseIdentifier(type: string, raw: unknown, settings: IdentitySettings): NormaliseResult {
  if (raw === null || raw === undefined) return { junk: true };
  if (typeof raw !== "string" && typeof raw !== "number") return { error: "must be a string" };
  const value = String(raw).trim();
  if (isJunk(value, settings)) return { junk: true };
  if (value.length > 255) return { error: "is longer than 255 characters" };
  switch (type) {
    case "phone": {
      const phone = parsePhoneNumberFromString(value, settings.defaultPhoneRegion as CountryCode);
      if (!phone || !phone.isValid()) return { error: "is not a valid phone number" };
      return { value: phone.number };
    }
    case "email": {
      const email = value.toLowerCase();
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) return { error: "is not a valid email address" };
      return { value: email };
    }
    default:
      // A typo must not become a new type without merge limits: only the known types or custom:<name>.
      if (!(IDENTIFIER_TYPES as readonly string[]).includes(type) && !/^custom:[a-z0-9_]{1,40}$/.test(type)) {
        return { error: `unknown identifier type ${type}; use a known type or custom:<name>` };
      }
      return { value };
  }
}

function isJunk(value: string, settings: IdentitySettings): boolean {
  const lower = value.toLowerCase();
  return settings.junkValues.some((junk) => junk.toLowerCase() === lower);
}

/** Trait and property names that carry identifiers, and the identifier type each one is. */
const TRAIT_IDENTIFIERS: Record<string, string> = {
  phone: "phone",
  mobile: "phone",
  email: "email",
  wechat_unionid: "wechat_unionid",
  unionid: "wechat_unionid",
  wecom_external_userid: "wecom_external_userid",
  external_userid: "wecom_external_userid",
  douyin_openid: "douyin_openid",
  tmall_id: "tmall_id",
  device_id: "device_id",
};

/**
 * Every identifier a Segment message carries, normalised, junk dropped, with the
 * field path of each bad value. Sources: userId, anonymousId, alias previousId,
 * traits and context.traits (phone, email, unionid …), wechat_openid with
 * wechat_appid, context.device.id, and Siyu's context.identities list.
 */
export function extractIdentifiers(
  message: Record<string, unknown>,
  settings: IdentitySettings,
): { identifiers: Identifier[]; errors: IdentifierError[] } {
  const found = new Map<string, Identifier>();
  const errors: IdentifierError[] = [];
  const add = (type: string, raw: unknown, path: string, appId?: string) => {
    const result = normaliseIdentifier(type, raw, settings);
    if ("error" in result) errors.push({ path, message: result.error });
    else if ("value" in result) {
      // WeChat OpenIDs are only unique within one app, so the app id is part of the value.
      const value = appId ? `${appId}:${result.value}` : result.value;
      found.set(identifierKey({ type, value }), { type, value });
    }
  };

  add("user_id", message.userId, "userId");
  add("anonymous_id", message.anonymousId, "anonymousId");
  if (message.type === "alias") {
    // alias(previousId → userId): SDKs alias a visitor's anonymous id to the new user id. Only when the
    // message names a different anonymous id is the previous id taken for an earlier user id.
    const previousType = message.anonymousId === undefined || message.anonymousId === null || message.previousId === message.anonymousId ? "anonymous_id" : "user_id";
    add(previousType, message.previousId, "previousId");
  }
  const context = asObject(message.context);
  // A group call's traits describe the group (a company, a store), not the person.
  const ownTraits = message.type === "group" ? null : asObject(message.traits);
  for (const [source, traits] of [
    ["traits", ownTraits],
    ["context.traits", asObject(context?.traits)],
  ] as const) {
    if (!traits) continue;
    for (const [key, type] of Object.entries(TRAIT_IDENTIFIERS)) {
      if (key in traits) add(type, traits[key], `${source}.${key}`);
    }
    if ("wechat_openid" in traits) {
      const appId = traits.wechat_appid ?? context?.wechat_appid;
      if (typeof appId !== "string" || !appId) errors.push({ path: `${source}.wechat_appid`, message: "is required with wechat_openid" });
      else add("wechat_openid", traits.wechat_openid, `${source}.wechat_openid`, appId);
    }
  }
  const device = asObject(context?.device);
  if (device && "id" in device) add("device_id", device.id, "context.device.id");
  const listed = context?.identities;
  if (Array.isArray(listed)) {
    listed.slice(0, 50).forEach((entry, i) => {
      const item = asObject(entry);
      const path = `context.identities.${i}`;
      if (!item || typeof item.type !== "string") {
        errors.push({ path: `${path}.type`, message: "is required" });
        return;
      }
      if (item.type === "wechat_openid" && (typeof item.appId !== "string" || !item.appId)) {
        errors.push({ path: `${path}.appId`, message: "is required for wechat_openid" });
        return;
      }
      add(item.type, item.value, `${path}.value`, item.type === "wechat_openid" ? (item.appId as string) : undefined);
    });
  }
  return { identifiers: [...found.values()], errors };
}

function asObject(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}
