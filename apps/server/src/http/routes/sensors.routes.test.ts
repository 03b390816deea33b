import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "@siyu/storage/orm";
import { buildTestApp, createApiKey, createWorkspace, type TestApp, type TestWorkspace } from "../../testing/test-app";

/** The Sensors-compatible endpoint through Fastify's inject: every way the SDKs send, auth, CORS, answers. */
let t: TestApp;
let ws: TestWorkspace;
let key: string;
let serial = 0;

beforeAll(async () => {
  t = await buildTestApp();
  ws = await createWorkspace(t, "Sensors brand");
  key = (await createApiKey(t, ws, "ingest")).secret;
});
afterAll(() => t.close());

const base64 = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8").toString("base64");
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

function record(overrides: Record<string, unknown> = {}) {
  serial += 1;
  return {
    type: "track",
    event: "Product Viewed",
    distinct_id: `anon-${serial}`,
    anonymous_id: `anon-${serial}`,
    identities: { $identity_cookie_id: `anon-${serial}` },
    lib: { $lib: "js", $lib_method: "code", $lib_version: "1.27.11" },
    properties: { $url: "https://shop.example.com/", sku: "T-1" },
    time: Date.now() - 1000,
    _track_id: 100_000 + serial,
    _flush_time: Date.now(),
    ...overrides,
  };
}

async function storedCount() {
  const result = (await t.database.db.execute(
    sql`select count(*)::int as n from events_log where workspace_id = ${ws.workspaceId} and message_id like 'sa-%'`,
  )) as unknown as { rows: { n: number }[] };
  return result.rows[0]!.n;
}

describe("Sensors endpoint", () => {
  it("takes an image beacon (GET /sa.gif with data in the query and ?token=) and answers a GIF", async () => {
    const before = await storedCount();
    const res = await t.app.inject({
      method: "GET",
      url: `/sa.gif?project=default&token=${key}&${form({ data: base64(record()), ext: "crc=123" })}`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("image/gif");
    expect(res.rawPayload.subarray(0, 6).toString()).toBe("GIF89a");
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect(await storedCount()).toBe(before + 1);
  });

  it("takes ajax (form body), sendBeacon (text/plain) and batch_send (data_list) posts on /sa and /sa.gif", async () => {
    const ajax = await t.app.inject({
      method: "POST",
      url: `/sa.gif?project=default&token=${key}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: form({ data: base64(record()), ext: "crc=1" }),
    });
    expect(ajax.statusCode).toBe(200);
    expect(ajax.json()).toEqual({ success: true, accepted: 1, duplicates: 0, errors: [] });
    expect(ajax.headers["access-control-allow-origin"]).toBe("*");

    const beacon = await t.app.inject({
      method: "POST",
      url: `/sa?token=${key}`,
      headers: { "content-type": "text/plain;charset=UTF-8" },
      payload: form({ data: base64(record()), ext: "crc=1" }),
    });
    expect(beacon.json()).toMatchObject({ accepted: 1 });

    const batch = await t.app.inject({
      method: "POST",
      url: `/sa?token=${key}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: form({ data_list: base64([record(), record(), record()]) }),
    });
    expect(batch.json()).toMatchObject({ accepted: 3 });
  });

  it("takes the app and server SDKs' gzip=1 data_list with the key in an Authorization header", async () => {
    const records = [record({ lib: { $lib: "Android", $lib_version: "6.8.0" } }), record()];
    for (const authorization of [`Basic ${Buffer.from(`${key}:`).toString("base64")}`, `Bearer ${key}`]) {
      const res = await t.app.inject({
        method: "POST",
        url: "/sa?project=production",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization },
        payload: `crc=1&gzip=1&data_list=${encodeURIComponent(gzipSync(JSON.stringify(records)).toString("base64"))}`,
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject(authorization.startsWith("Basic") ? { accepted: 2 } : { accepted: 0, duplicates: 2 });
    }
  });

  it("takes a whole body gzip-compressed with Content-Encoding", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: `/sa?token=${key}`,
      headers: { "content-type": "application/x-www-form-urlencoded", "content-encoding": "gzip" },
      payload: gzipSync(form({ data: base64(record()) })),
    });
    expect(res.json()).toMatchObject({ accepted: 1 });
  });

  it("stores a resent record once", async () => {
    const payload = form({ data_list: base64([record(), record()]) });
    const send = () => t.app.inject({ method: "POST", url: `/sa?token=${key}`, headers: { "content-type": "application/x-www-form-urlencoded" }, payload });
    expect((await send()).json()).toMatchObject({ accepted: 2, duplicates: 0 });
    const before = await storedCount();
    expect((await send()).json()).toMatchObject({ accepted: 0, duplicates: 2 });
    expect(await storedCount()).toBe(before);
  });

  it("keeps the good records of a request and lists the bad ones by index, in Sensors' field names", async () => {
    const records = [
      record(),
      record({ type: "profile_set", properties: { phone: "12345" } }),
      record({ type: "profile_increment", properties: { points: 1 } }),
      record({ event: "" }),
      record(),
    ];
    const res = await t.app.inject({
      method: "POST",
      url: `/sa?token=${key}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: form({ data_list: base64(records) }),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ success: boolean; accepted: number; errors: { index: number; path: string; message: string }[] }>();
    expect(body.success).toBe(false);
    expect(body.accepted).toBe(2);
    expect(body.errors.map((e) => [e.index, e.path])).toEqual([
      [1, "properties.phone"],
      [2, "type"],
      [3, "event"],
    ]);
    expect(body.errors[0]!.message).toBe("is not a valid phone number");
  });

  it("answers 200 even when every record is refused, so SDKs do not retry them forever", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: `/sa?token=${key}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: form({ data: base64(record({ type: "item_set" })) }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ success: false, accepted: 0, errors: [{ index: 0, path: "type" }] });
  });

  it("answers 400 in the one error shape when the request cannot be decoded", async () => {
    for (const payload of ["", "data=%%%", form({ data_list: base64([]) }), form({ data: "e30=", gzip: "9" })]) {
      const res = await t.app.inject({ method: "POST", url: `/sa?token=${key}`, headers: { "content-type": "application/x-www-form-urlencoded" }, payload });
      expect(res.statusCode, payload).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: "ingest.invalid" } });
      expect(res.headers["access-control-allow-origin"]).toBe("*");
    }
    const get = await t.app.inject({ method: "GET", url: `/sa.gif?token=${key}` });
    expect(get.statusCode).toBe(400);
  });

  it("needs a valid key, and answers CORS preflights", async () => {
    const payload = form({ data: base64(record()) });
    const none = await t.app.inject({ method: "POST", url: "/sa", headers: { "content-type": "application/x-www-form-urlencoded" }, payload });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ error: { code: "auth.unauthenticated" } });
    expect(none.headers["access-control-allow-origin"]).toBe("*");
    const wrong = await t.app.inject({ method: "GET", url: `/sa.gif?token=sk_ingest_nope&${payload}` });
    expect(wrong.statusCode).toBe(401);

    const preflight = await t.app.inject({
      method: "OPTIONS",
      url: `/sa?project=default&token=${key}`,
      headers: { origin: "https://shop.example.com", "access-control-request-method": "POST", "access-control-request-headers": "dry-run" },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers["access-control-allow-origin"]).toBe("*");
    expect(preflight.headers["access-control-allow-methods"]).toContain("POST");
    expect(String(preflight.headers["access-control-allow-headers"]).toLowerCase()).toContain("dry-run");
  });

  it("turns what the web SDK sends after login into one profile: E.164 phone, name, events", async () => {
    const anon = "cookie-profile-1";
    const ids = { $identity_cookie_id: anon, $identity_anonymous_id: anon };
    const loggedIn = { ...ids, $identity_login_id: "member-77" };
    const records = [
      record({ distinct_id: anon, anonymous_id: anon, identities: ids, event: "$pageview" }),
      record({ type: "track_signup", event: "$SignUp", distinct_id: "member-77", login_id: "member-77", anonymous_id: anon, original_id: anon, identities: loggedIn }),
      record({ type: "profile_set", distinct_id: "member-77", login_id: "member-77", anonymous_id: anon, identities: loggedIn, properties: { phone: "13800138077", name: "陈静" } }),
      record({ distinct_id: "member-77", login_id: "member-77", anonymous_id: anon, identities: loggedIn }),
    ];
    for (const r of records) {
      const res = await t.app.inject({ method: "GET", url: `/sa.gif?token=${key}&${form({ data: base64(r) })}` });
      expect(res.statusCode).toBe(200);
    }
    while ((await t.services.projectNextBatch()) > 0);
    const ctx = { workspaceId: ws.workspaceId, actor: { type: "system" as const, id: null, name: "test" }, storeIds: null, ip: null };
    const settings = await t.services.identity.settings(ws.workspaceId);
    const found = await t.services.profiles.list(ctx, { limit: 10, q: "member-77" }, settings);
    expect(found.items).toHaveLength(1);
    const byCookie = await t.services.profiles.list(ctx, { limit: 10, q: anon }, settings);
    expect(byCookie.items.map((p) => p.id)).toEqual([found.items[0]!.id]);
    const profile = await t.services.profiles.get(ctx, found.items[0]!.id);
    expect(profile).toMatchObject({ name: "陈静", phone: "+8613800138077", eventCount: 4 });
    expect(profile.eventCounts).toEqual(
      expect.arrayContaining([expect.objectContaining({ event: "Product Viewed", count: 1 }), expect.objectContaining({ event: "$SignUp", count: 1 })]),
    );
  });

  it("keeps its body parsers to itself: /v1 still reads JSON", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/track",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      payload: { userId: "json-still-works", event: "Product Viewed" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 1 });
  });
});
