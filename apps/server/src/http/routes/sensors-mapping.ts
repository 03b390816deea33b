import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";

/**
 * Sensors Analytics (神策) wire format → Segment messages. Pure: the route reads
 * the request, these functions decode it and translate each record.
 *
 * What Sensors SDKs send (sa-sdk-javascript 1.27 read and observed in Chromium):
 * - image (the web default): GET `<server_url>?data=<base64>&ext=crc%3D<n>`
 * - ajax: POST, `application/x-www-form-urlencoded`, body `data=<base64>&ext=crc%3D<n>`
 * - beacon: `navigator.sendBeacon`, the same body as `text/plain;charset=UTF-8`
 * - batch_send: POST form body `data_list=<base64 of a JSON array>`
 * - app and server SDKs: POST form `crc=<n>&gzip=1&data_list=<base64 of gzip of a JSON array>`
 * base64 is of the UTF-8 bytes of the JSON; the web SDK rewrites a server URL ending in
 * `/sa` to `/sa.gif`. `crc` / `ext` only guard against truncation and are not checked:
 * a truncated payload fails to decode anyway.
 */

export interface SensorsFields {
  data?: string;
  data_list?: string;
  gzip?: string;
}

export interface FieldProblem {
  path: string;
  message: string;
}

export type DecodedPayload = { records: unknown[] } | { error: FieldProblem };

export interface DecodeLimits {
  /** Largest decoded JSON accepted, in bytes (a small gzip field must not inflate without bound). */
  maxBytes: number;
  maxRecords: number;
}

/** The records of one request: `data` holds one record, `data_list` an array. */
export function decodeSensorsPayload(fields: SensorsFields, limits: DecodeLimits): DecodedPayload {
  const field = fields.data_list !== undefined ? "data_list" : fields.data !== undefined ? "data" : null;
  if (!field) return { error: { path: "data", message: "send the records in the data or data_list field" } };
  const encoded = (fields[field] ?? "").trim();
  const gzip = (fields.gzip ?? "0").trim();
  if (gzip !== "0" && gzip !== "1" && gzip !== "") {
    return { error: { path: "gzip", message: `gzip=${gzip} is not supported (encrypted payloads are not); send gzip=1 or gzip=0` } };
  }
  let json: string;
  if (gzip !== "1" && /^[[{]/.test(encoded)) {
    // Plain JSON is accepted too, which is handy with curl.
    json = encoded;
  } else {
    // Form decoding turns an unescaped '+' into a space; iOS SDKs wrap base64 lines with CR LF.
    const base64 = encoded.replace(/ /g, "+").replace(/[\r\n]/g, "");
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(base64) || base64.length === 0) {
      return { error: { path: field, message: "is not base64" } };
    }
    const bytes = Buffer.from(base64, "base64");
    if (gzip === "1") {
      try {
        json = gunzipSync(bytes, { maxOutputLength: limits.maxBytes }).toString("utf8");
      } catch {
        return { error: { path: field, message: `is not gzip data, or inflates past ${limits.maxBytes} bytes` } };
      }
    } else {
      json = bytes.toString("utf8");
    }
  }
  if (Buffer.byteLength(json) > limits.maxBytes) return { error: { path: field, message: `is larger than ${limits.maxBytes} bytes` } };
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return { error: { path: field, message: "does not decode to JSON" } };
  }
  const records = Array.isArray(parsed) ? parsed : [parsed];
  if (records.length === 0) return { error: { path: field, message: "holds no records" } };
  if (records.length > limits.maxRecords) return { error: { path: field, message: `holds ${records.length} records; the limit is ${limits.maxRecords}` } };
  return { records };
}

export interface SensorsMappingOptions {
  /** The `project` query parameter, kept in context.sensors. */
  project?: string;
  /** The request's User-Agent: browsers do not put theirs in the record. */
  userAgent?: string;
}

export type MappedRecord =
  | {
      message: Record<string, unknown>;
      /** Names a field of the Segment message (as ingestion reports it) by its place in the Sensors record. */
      sensorsPath(segmentPath: string): string;
    }
  | { errors: FieldProblem[] };

/** Record types Siyu has no equivalent for, with what to do instead. */
const UNSUPPORTED: Record<string, string> = {
  profile_increment: "is not supported; send the new value with profile_set",
  profile_append: "is not supported; send the whole list with profile_set",
  profile_delete: "is not supported; delete a person's data through Siyu's compliance API",
  track_id_unbind: "is not supported; a wrong link is split in the Siyu console",
  item_set: "is not supported: Siyu keeps no item table",
  item_delete: "is not supported: Siyu keeps no item table",
};

/** Sensors identity keys that are Siyu identifier types (the login, anonymous and cookie ids become userId/anonymousId). */
const IDENTITY_TYPES: Record<string, string> = {
  $identity_mp_unionid: "wechat_unionid",
  $identity_unionid: "wechat_unionid",
  $identity_mobile: "phone",
  $identity_phone: "phone",
  $identity_email: "email",
  $identity_android_id: "device_id",
  $identity_android_uuid: "device_id",
  $identity_idfv: "device_id",
};
const OPENID_KEYS = new Set(["$identity_mp_openid", "$identity_mp_wx_openid", "$identity_openid"]);
const ID_KEYS = new Set(["$identity_login_id", "$identity_anonymous_id", "$identity_cookie_id", "$identity_distinct_id"]);
const MAX_IDENTITIES = 20;

/** Sensors preset properties that have a Segment context field: [preset, path under context]. */
const CONTEXT_PRESETS: readonly (readonly [string, string])[] = [
  ["$url", "page.url"],
  ["$url_path", "page.path"],
  ["$title", "page.title"],
  ["$referrer", "page.referrer"],
  ["$os", "os.name"],
  ["$os_version", "os.version"],
  ["$screen_width", "screen.width"],
  ["$screen_height", "screen.height"],
  ["$device_id", "device.id"],
  ["$model", "device.model"],
  ["$manufacturer", "device.manufacturer"],
  ["$app_name", "app.name"],
  ["$app_version", "app.version"],
  ["$carrier", "network.carrier"],
  ["$wifi", "network.wifi"],
  ["$city", "location.city"],
  ["$province", "location.region"],
  ["$country", "location.country"],
  ["$latitude", "location.latitude"],
  ["$longitude", "location.longitude"],
  ["$ip", "ip"],
  ["$user_agent", "userAgent"],
  ["$utm_source", "campaign.source"],
  ["$utm_medium", "campaign.medium"],
  ["$utm_campaign", "campaign.name"],
  ["$utm_term", "campaign.term"],
  ["$utm_content", "campaign.content"],
];

/**
 * One Sensors record as one Segment message:
 * - `track` → track (event name unchanged); `track_signup` → track `$SignUp` carrying
 *   login_id as userId and the original (anonymous) id as anonymousId, which links them;
 * - `profile_set` / `profile_set_once` → identify with the properties as traits;
 *   `profile_unset` → identify setting the listed traits to null; `track_id_bind` → identify;
 * - login_id → userId; anonymous_id / $identity_cookie_id → anonymousId; other identities
 *   (unionid, phone, email, device ids, custom ones) → context.identities;
 * - custom properties stay properties (traits); `$` presets go to their Segment context
 *   field where there is one, and all of them to context.sensors.properties;
 * - time (ms) → timestamp, _flush_time → sentAt (so device clocks are corrected);
 * - messageId is derived from the record, so a resent record is stored once.
 */
export function mapSensorsRecord(raw: unknown, options: SensorsMappingOptions = {}): MappedRecord {
  const record = asObject(raw);
  if (!record) return { errors: [{ path: "", message: "must be a JSON object" }] };
  const type = typeof record.type === "string" ? record.type : null;
  if (!type) return { errors: [{ path: "type", message: "is required" }] };
  if (type in UNSUPPORTED) return { errors: [{ path: "type", message: `${type} ${UNSUPPORTED[type]}` }] };
  if (!["track", "track_signup", "profile_set", "profile_set_once", "profile_unset", "track_id_bind"].includes(type)) {
    return { errors: [{ path: "type", message: `${type} is not a Sensors record type Siyu knows` }] };
  }

  const errors: FieldProblem[] = [];
  const properties = record.properties === undefined ? {} : asObject(record.properties);
  if (!properties) errors.push({ path: "properties", message: "must be a JSON object" });
  const identities = record.identities === undefined ? {} : asObject(record.identities);
  if (!identities) errors.push({ path: "identities", message: "must be a JSON object" });
  const time = timeOf(record.time, "time", errors);
  const flushTime = timeOf(record._flush_time, "_flush_time", errors);
  if (errors.length > 0 || !properties || !identities) return { errors };

  const custom: Record<string, unknown> = {};
  const presets: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(properties)) (key.startsWith("$") ? presets : custom)[key] = value;

  const distinctId = idOf(record.distinct_id);
  const originalId = idOf(record.original_id);
  const userId =
    idOf(record.login_id) ?? idOf(identities.$identity_login_id) ?? (presets.$is_login_id === true || type === "track_signup" ? distinctId : null);
  const anonymousId =
    idOf(record.anonymous_id) ??
    idOf(identities.$identity_anonymous_id) ??
    idOf(identities.$identity_cookie_id) ??
    (type === "track_signup" ? originalId : null) ??
    (userId === null || distinctId !== userId ? distinctId : null);

  const identityKeys: string[] = [];
  const listed: Record<string, unknown>[] = [];
  const appId = presets.$app_id ?? presets.$appid;
  for (const [key, value] of Object.entries(identities)) {
    if (ID_KEYS.has(key) || listed.length >= MAX_IDENTITIES) continue;
    if (OPENID_KEYS.has(key)) {
      // An OpenID is unique only within its app: without the app id it cannot be an identifier.
      if (typeof appId !== "string" || !appId) continue;
      listed.push({ type: "wechat_openid", value, appId });
    } else {
      listed.push({ type: IDENTITY_TYPES[key] ?? customType(key), value });
    }
    identityKeys.push(key);
  }

  const context: Record<string, unknown> = {};
  for (const [preset, path] of CONTEXT_PRESETS) if (preset in presets) setPath(context, path, presets[preset]);
  const lib = asObject(record.lib);
  if (lib) context.library = { name: `sensorsdata-${String(lib.$lib ?? "unknown").toLowerCase()}`, version: String(lib.$lib_version ?? "") };
  if (context.userAgent === undefined && options.userAgent && lib?.$lib === "js") context.userAgent = options.userAgent;
  if (listed.length > 0) context.identities = listed;
  context.sensors = compact({
    type,
    project: typeof record.project === "string" ? record.project : options.project,
    distinct_id: record.distinct_id,
    original_id: record.original_id,
    login_id: record.login_id,
    anonymous_id: record.anonymous_id,
    identities: Object.keys(identities).length > 0 ? identities : undefined,
    lib: record.lib,
    _track_id: record._track_id,
    properties: Object.keys(presets).length > 0 ? presets : undefined,
  });

  const message: Record<string, unknown> = compact({
    messageId: messageIdOf(record),
    userId: userId ?? undefined,
    anonymousId: anonymousId ?? undefined,
    timestamp: time === null ? undefined : new Date(time).toISOString(),
    sentAt: flushTime === null || time === null ? undefined : new Date(flushTime).toISOString(),
    context,
  });
  switch (type) {
    case "track":
      Object.assign(message, { type: "track", event: record.event, properties: custom });
      break;
    case "track_signup":
      Object.assign(message, { type: "track", event: typeof record.event === "string" ? record.event : "$SignUp", properties: custom });
      break;
    case "profile_unset":
      Object.assign(message, { type: "identify", traits: Object.fromEntries(Object.keys(custom).map((key) => [key, null])) });
      break;
    case "track_id_bind":
      Object.assign(message, { type: "identify" });
      break;
    default:
      Object.assign(message, { type: "identify", traits: custom });
  }
  return { message, sensorsPath: (path) => sensorsPathOf(path, identityKeys, type) };
}

/** Where a Segment field of the mapped message came from in the Sensors record. */
function sensorsPathOf(path: string, identityKeys: readonly string[], type: string): string {
  const identity = /^context\.identities\.(\d+)(\..*)?$/.exec(path);
  if (identity) return `identities.${identityKeys[Number(identity[1])] ?? identity[1]}`;
  if (path.startsWith("traits.")) return `properties.${path.slice("traits.".length)}`;
  if (path === "userId") return "login_id";
  if (path === "anonymousId") return type === "track_signup" ? "original_id" : "anonymous_id";
  if (path === "timestamp") return "time";
  if (path === "sentAt") return "_flush_time";
  if (path === "context.device.id") return "properties.$device_id";
  return path;
}

/**
 * A resent record (a retry, a batch flushed twice) gets the same id, so the log keeps
 * it once. The SDK's `_track_id` is random per record but short: it is hashed with the
 * person, type and time so that two people's records cannot collide.
 */
function messageIdOf(record: Record<string, unknown>): string {
  const basis =
    record._track_id !== undefined
      ? stableJson([record.distinct_id, record.type, record.event ?? null, record.time ?? null, record._track_id])
      : stableJson({ ...record, _flush_time: undefined });
  return `sa-${createHash("sha256").update(basis).digest("hex").slice(0, 32)}`;
}

function timeOf(value: unknown, path: string, errors: FieldProblem[]): number | null {
  if (value === undefined || value === null) return null;
  const ms = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms <= 0 || ms > 8.64e15) {
    errors.push({ path, message: "must be a time in milliseconds since 1970" });
    return null;
  }
  return ms;
}

function idOf(value: unknown): string | null {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value !== "string") return null;
  const trimmed = value.trim();
  return trimmed === "" ? null : trimmed;
}

/** `$identity_member_no` → `custom:member_no`, the form Siyu gives identifier types it does not know. */
function customType(key: string): string {
  const name = key
    .replace(/^\$identity_/, "")
    .replace(/^\$/, "")
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, "_")
    .slice(0, 40);
  return `custom:${name || "id"}`;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  const keys = path.split(".");
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = asObject(node[key]) ?? {};
    node[key] = next;
    node = next;
  }
  node[keys[keys.length - 1]!] = value;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : stableJson(v))).join(",")}]`;
  const object = asObject(value);
  if (object) {
    const entries = Object.keys(object)
      .sort()
      .filter((key) => object[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${stableJson(object[key])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

function compact<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as T;
}

function asObject(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}
