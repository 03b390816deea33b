import { formatPhone } from "../../lib/format/format-phone";

/** The identifier types the identity graph knows by name; others are `custom:<name>`. */
export const KNOWN_IDENTIFIER_TYPES = [
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
export type KnownIdentifierType = (typeof KNOWN_IDENTIFIER_TYPES)[number];

export type IdentifierTypeLabel =
  | { key: `customers.identifier.${KnownIdentifierType}`; params?: undefined }
  | { key: "customers.identifier.custom"; params: { name: string } }
  | { key: "customers.identifier.other"; params: { type: string } };

function isKnownType(type: string): type is KnownIdentifierType {
  return (KNOWN_IDENTIFIER_TYPES as readonly string[]).includes(type);
}

/** The message that names an identifier type: `t(label.key, label.params)`. */
export function identifierTypeLabel(type: string): IdentifierTypeLabel {
  if (isKnownType(type)) return { key: `customers.identifier.${type}` };
  if (type.startsWith("custom:") && type.length > "custom:".length) {
    return { key: "customers.identifier.custom", params: { name: type.slice("custom:".length) } };
  }
  return { key: "customers.identifier.other", params: { type } };
}

/** Tag colours by channel, so the same kind of id looks the same on every page. */
export function identifierTypeColor(type: string): string {
  if (type.startsWith("wechat_") || type === "wecom_external_userid") return "green";
  if (type === "phone" || type === "email") return "blue";
  if (type === "user_id") return "geekblue";
  if (type === "douyin_openid") return "magenta";
  if (type === "tmall_id") return "orange";
  if (type.startsWith("custom:")) return "purple";
  return "default";
}

/**
 * How a stored identifier value reads: phones grouped, WeChat OpenIDs ("<appId>:<openid>",
 * since an OpenID is only unique within one app) split into the id and the app it belongs to.
 */
export function displayIdentifierValue(type: string, value: string): { text: string; appId?: string } {
  if (type === "phone") return { text: formatPhone(value) };
  if (type === "wechat_openid") {
    const colon = value.indexOf(":");
    if (colon > 0 && colon < value.length - 1) return { text: value.slice(colon + 1), appId: value.slice(0, colon) };
  }
  return { text: value };
}

/**
 * The server words a refused link as "a profile may hold at most 1 phone"; read it back so
 * it can be shown in the operator's language. Unknown wordings are shown as they came.
 */
export function parseConflictReason(reason: string): { max: number; type: string } | null {
  const match = /^a profile may hold at most (\d+) (\S+)$/.exec(reason.trim());
  if (!match) return null;
  return { max: Number(match[1]), type: match[2]! };
}
