import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_IDENTITY_SETTINGS, DEFAULT_INGEST_SETTINGS, extractIdentifiers, normaliseMessage } from "@siyu/core";
import { decodeSensorsPayload, mapSensorsRecord } from "./sensors-mapping";

/** Records as sa-sdk-javascript 1.27.11 built them in Chromium (login, setProfile, track). */
const COOKIE_ID = "1a20906bff357e-06229ffdc0a65-11543b4c-921600-1a20906bff4534";
const identities = { $identity_cookie_id: COOKIE_ID, $identity_login_id: "member-1", $identity_anonymous_id: COOKIE_ID };
const lib = { $lib: "js", $lib_method: "code", $lib_version: "1.27.11" };
const TRACK = {
  identities,
  distinct_id: "member-1",
  lib,
  properties: {
    $timezone_offset: -480,
    $screen_height: 720,
    $screen_width: 1280,
    $lib: "js",
    $lib_version: "1.27.11",
    $latest_traffic_source_type: "直接流量",
    sku: "T-1",
    price: 12.5,
    tags: ["a", "b"],
    $is_first_day: true,
    $url: "https://shop.example.com/p/T-1",
    $title: "奶茶",
  },
  login_id: "member-1",
  anonymous_id: COOKIE_ID,
  type: "track",
  event: "Product Viewed",
  time: 1_795_447_767_059,
  _track_id: 923_487_060,
  _flush_time: 1_795_447_767_060,
};
const SIGNUP = {
  identities,
  distinct_id: "member-1",
  lib,
  properties: { $url: "https://shop.example.com/" },
  login_id: "member-1",
  anonymous_id: COOKIE_ID,
  original_id: COOKIE_ID,
  type: "track_signup",
  event: "$SignUp",
  time: 1_795_447_767_048,
  _track_id: 697_217_049,
  _flush_time: 1_795_447_767_049,
};
const PROFILE_SET = {
  identities,
  distinct_id: "member-1",
  lib,
  properties: { phone: "13800138000", name: "测试" },
  login_id: "member-1",
  anonymous_id: COOKIE_ID,
  type: "profile_set",
  time: 1_795_447_767_054,
  _track_id: 572_367_054,
  _flush_time: 1_795_447_767_054,
};

/** The SDK's encoding: btoa over the UTF-8 bytes of the JSON. */
const base64 = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8").toString("base64");
const limits = { maxBytes: 1024 * 1024, maxRecords: 100 };

function mapped(record: unknown) {
  const result = mapSensorsRecord(record, { project: "default", userAgent: "Mozilla/5.0 test" });
  if ("errors" in result) throw new Error(JSON.stringify(result.errors));
  return result;
}

describe("decodeSensorsPayload", () => {
  it("decodes the web SDK's data field: base64 of UTF-8 JSON, Chinese included", () => {
    expect(decodeSensorsPayload({ data: base64(PROFILE_SET) }, limits)).toEqual({ records: [PROFILE_SET] });
  });

  it("decodes data_list, plain or gzip-compressed the way app and server SDKs send it", () => {
    expect(decodeSensorsPayload({ data_list: base64([TRACK, SIGNUP]) }, limits)).toEqual({ records: [TRACK, SIGNUP] });
    const zipped = gzipSync(JSON.stringify([TRACK, PROFILE_SET])).toString("base64");
    expect(decodeSensorsPayload({ data_list: zipped, gzip: "1" }, limits)).toEqual({ records: [TRACK, PROFILE_SET] });
    // iOS wraps its base64 with CR LF; an unescaped '+' arrives as a space after form decoding.
    const wrapped = zipped.replace(/(.{20})/g, "$1\r\n").replace(/\+/g, " ");
    expect(decodeSensorsPayload({ data_list: wrapped, gzip: "1" }, limits)).toEqual({ records: [TRACK, PROFILE_SET] });
  });

  it("accepts plain JSON too, for curl", () => {
    expect(decodeSensorsPayload({ data: JSON.stringify(TRACK) }, limits)).toEqual({ records: [TRACK] });
  });

  it("names what is wrong with an undecodable request", () => {
    const error = (fields: Record<string, string>, custom = limits) => {
      const result = decodeSensorsPayload(fields, custom);
      return "error" in result ? result.error : null;
    };
    expect(error({})).toEqual({ path: "data", message: "send the records in the data or data_list field" });
    expect(error({ data: "%%%" })).toMatchObject({ path: "data", message: "is not base64" });
    expect(error({ data: Buffer.from("not json").toString("base64") })).toMatchObject({ path: "data", message: "does not decode to JSON" });
    expect(error({ data_list: base64([]) })).toMatchObject({ path: "data_list", message: "holds no records" });
    expect(error({ data_list: base64([TRACK]), gzip: "9" })?.message).toContain("gzip=9 is not supported");
    expect(error({ data_list: base64([TRACK]), gzip: "1" })?.message).toContain("is not gzip data");
    expect(error({ data_list: base64(Array(3).fill(TRACK)) }, { maxBytes: 1 << 20, maxRecords: 2 })?.message).toBe("holds 3 records; the limit is 2");
    // A small gzip field must not inflate without bound.
    const bomb = gzipSync(JSON.stringify([{ pad: "x".repeat(2_000_000) }])).toString("base64");
    expect(error({ data_list: bomb, gzip: "1" })?.message).toContain("inflates past");
  });
});

describe("mapSensorsRecord", () => {
  it("maps a web track record: ids, custom properties, presets into context, time, a stable message id", () => {
    const { message } = mapped(TRACK);
    expect(message).toMatchObject({
      type: "track",
      event: "Product Viewed",
      userId: "member-1",
      anonymousId: COOKIE_ID,
      properties: { sku: "T-1", price: 12.5, tags: ["a", "b"] },
      timestamp: new Date(TRACK.time).toISOString(),
      sentAt: new Date(TRACK._flush_time).toISOString(),
      context: {
        page: { url: "https://shop.example.com/p/T-1", title: "奶茶" },
        screen: { width: 1280, height: 720 },
        library: { name: "sensorsdata-js", version: "1.27.11" },
        userAgent: "Mozilla/5.0 test",
        sensors: { type: "track", project: "default", distinct_id: "member-1", _track_id: 923_487_060 },
      },
    });
    expect(Object.keys(message.properties as object).some((k) => k.startsWith("$"))).toBe(false);
    expect((message.context as { sensors: { properties: Record<string, unknown> } }).sensors.properties).toMatchObject({
      $lib: "js",
      $latest_traffic_source_type: "直接流量",
      $is_first_day: true,
    });
    expect(message.messageId).toMatch(/^sa-[0-9a-f]{32}$/);
    expect(message).not.toHaveProperty("context.identities");
  });

  it("gives a resent record the same message id, and two people's records different ones", () => {
    const first = mapped(TRACK).message.messageId;
    expect(mapped({ ...TRACK, _flush_time: TRACK._flush_time + 60_000 }).message.messageId).toBe(first);
    expect(mapped({ ...TRACK, distinct_id: "member-2", login_id: "member-2" }).message.messageId).not.toBe(first);
    expect(mapped({ ...TRACK, _track_id: 1 }).message.messageId).not.toBe(first);
    // Without _track_id the whole record (less its flush time) is hashed.
    const bare = { ...TRACK, _track_id: undefined };
    expect(mapped({ ...bare, _flush_time: 1 }).message.messageId).toBe(mapped(bare).message.messageId);
    expect(mapped({ ...bare, properties: { sku: "T-2" } }).message.messageId).not.toBe(mapped(bare).message.messageId);
  });

  it("turns track_signup into a $SignUp event that carries both ids, which links them", () => {
    expect(mapped(SIGNUP).message).toMatchObject({ type: "track", event: "$SignUp", userId: "member-1", anonymousId: COOKIE_ID });
    // The pre-identities format: distinct_id is the login id, original_id the anonymous one.
    const old = { type: "track_signup", event: "$SignUp", distinct_id: "member-9", original_id: "device-9", time: SIGNUP.time, properties: {} };
    expect(mapped(old).message).toMatchObject({ userId: "member-9", anonymousId: "device-9" });
  });

  it("turns profile records into identify calls", () => {
    expect(mapped(PROFILE_SET).message).toMatchObject({
      type: "identify",
      userId: "member-1",
      anonymousId: COOKIE_ID,
      traits: { phone: "13800138000", name: "测试" },
    });
    const once = mapped({ ...PROFILE_SET, type: "profile_set_once", properties: { $first_visit_time: "2026-11-23 15:29:27.45", channel: "wx" } });
    expect(once.message).toMatchObject({ type: "identify", traits: { channel: "wx" } });
    expect(once.message).toHaveProperty("context.sensors.properties.$first_visit_time");
    const unset = mapped({ ...PROFILE_SET, type: "profile_unset", properties: { nickname: true } });
    expect(unset.message).toMatchObject({ type: "identify", traits: { nickname: null } });
    const bind = mapped({ ...PROFILE_SET, type: "track_id_bind", event: "$BindID", properties: {} });
    expect(bind.message).toMatchObject({ type: "identify", userId: "member-1", anonymousId: COOKIE_ID });
  });

  it("reads ids the older way: distinct_id is anonymous unless $is_login_id says otherwise", () => {
    const base = { type: "track", event: "Paid", distinct_id: "u-1", time: TRACK.time };
    expect(mapped({ ...base, properties: {} }).message).toMatchObject({ anonymousId: "u-1" });
    expect(mapped({ ...base, properties: {} }).message).not.toHaveProperty("userId");
    expect(mapped({ ...base, properties: { $is_login_id: true } }).message).toMatchObject({ userId: "u-1" });
    expect(mapped({ ...base, properties: { $is_login_id: true } }).message).not.toHaveProperty("anonymousId");
    expect(mapped({ ...base, distinct_id: 42 }).message).toMatchObject({ anonymousId: "42" });
  });

  it("lists the other identities as Siyu identifiers and names their bad values by identity key", () => {
    const record = {
      ...TRACK,
      identities: {
        ...identities,
        $identity_mp_unionid: "union-1",
        $identity_mp_openid: "open-1",
        $identity_mobile: 13_800_138_000,
        $identity_member_no: "M-0001",
      },
      properties: { $app_id: "wx123" },
    };
    const result = mapped(record);
    expect(result.message.context).toMatchObject({
      identities: [
        { type: "wechat_unionid", value: "union-1" },
        { type: "wechat_openid", value: "open-1", appId: "wx123" },
        { type: "phone", value: 13_800_138_000 },
        { type: "custom:member_no", value: "M-0001" },
      ],
    });
    const found = extractIdentifiers(result.message, DEFAULT_IDENTITY_SETTINGS);
    expect(found.errors).toEqual([]);
    expect(found.identifiers).toEqual(
      expect.arrayContaining([
        { type: "user_id", value: "member-1" },
        { type: "anonymous_id", value: COOKIE_ID },
        { type: "wechat_unionid", value: "union-1" },
        { type: "wechat_openid", value: "wx123:open-1" },
        { type: "phone", value: "+8613800138000" },
        { type: "custom:member_no", value: "M-0001" },
      ]),
    );
    // Without the app id an OpenID cannot be told apart from another app's: it is left out.
    const noApp = mapped({ ...record, properties: {} });
    expect(JSON.stringify(noApp.message.context)).not.toContain('"wechat_openid"');

    const bad = mapped({ ...TRACK, identities: { ...identities, $identity_mobile: "12345" } });
    const problems = extractIdentifiers(bad.message, DEFAULT_IDENTITY_SETTINGS).errors;
    expect(problems).toEqual([{ path: "context.identities.0.value", message: "is not a valid phone number" }]);
    expect(bad.sensorsPath(problems[0]!.path)).toBe("identities.$identity_mobile");
    expect(bad.sensorsPath("traits.phone")).toBe("properties.phone");
    expect(bad.sensorsPath("timestamp")).toBe("time");
    expect(bad.sensorsPath("event")).toBe("event");
  });

  it("refuses what Siyu cannot represent, naming the field", () => {
    const errors = (record: unknown) => {
      const result = mapSensorsRecord(record);
      return "errors" in result ? result.errors : [];
    };
    expect(errors("x")).toEqual([{ path: "", message: "must be a JSON object" }]);
    expect(errors({ distinct_id: "a" })).toEqual([{ path: "type", message: "is required" }]);
    expect(errors({ ...PROFILE_SET, type: "profile_increment" })[0]?.message).toContain("profile_increment is not supported");
    expect(errors({ ...PROFILE_SET, type: "item_set" })[0]?.message).toContain("Siyu keeps no item table");
    expect(errors({ ...PROFILE_SET, type: "whatever" })[0]?.message).toContain("not a Sensors record type");
    expect(errors({ ...TRACK, time: "yesterday" })).toEqual([{ path: "time", message: "must be a time in milliseconds since 1970" }]);
    expect(errors({ ...TRACK, properties: [1] })).toEqual([{ path: "properties", message: "must be a JSON object" }]);
  });

  it("always yields either named errors or a message Siyu's ingestion accepts", () => {
    const id = fc.oneof(fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim().length > 0), fc.integer({ min: 1 }));
    const record = fc.record(
      {
        type: fc.constantFrom("track", "track_signup", "profile_set", "profile_set_once", "profile_unset", "track_id_bind", "profile_increment", "x"),
        event: fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim().length > 0),
        distinct_id: id,
        login_id: id,
        anonymous_id: id,
        original_id: id,
        time: fc.integer({ min: Date.now() - 86_400_000, max: Date.now() }),
        _track_id: fc.integer({ min: 0, max: 999_999_999 }),
        properties: fc.dictionary(fc.string({ maxLength: 12 }), fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean())),
        identities: fc.dictionary(fc.constantFrom("$identity_login_id", "$identity_cookie_id", "$identity_member_no", "$identity_email"), fc.string({ maxLength: 12 })),
      },
      { requiredKeys: ["type", "distinct_id"] },
    );
    fc.assert(
      fc.property(record, (raw) => {
        const result = mapSensorsRecord(raw);
        if ("errors" in result) {
          expect(result.errors.length).toBeGreaterThan(0);
          return;
        }
        const normalised = normaliseMessage(result.message, { receivedAt: new Date(), settings: DEFAULT_INGEST_SETTINGS });
        if ("errors" in normalised) {
          // Only the message's own values may be refused (an empty event name, a bad email), never its shape.
          for (const e of normalised.errors) expect(e.path).toMatch(/^(event|properties|traits|context)/);
        } else {
          expect(normalised.event.messageId).toBe(result.message.messageId);
        }
      }),
      { numRuns: 300 },
    );
  });
});
