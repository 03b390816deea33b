import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drainWarehouse } from "@siyu/core";
import { addOperator, buildTestApp, createApiKey, createWorkspace, type TestApp, type TestWorkspace } from "../../testing/test-app";

let t: TestApp;
let ws: TestWorkspace;
let analyst: string;
let operator: string;
const url = (path = "") => `/api/v1/workspaces/${ws.workspaceId}/segments${path}`;

beforeAll(async () => {
  t = await buildTestApp();
  ws = await createWorkspace(t, "Segment brand");
  analyst = (await addOperator(t, ws, "analyst")).cookie;
  operator = (await addOperator(t, ws, "operator")).cookie;
  const ingest = await createApiKey(t, ws, "ingest");
  const now = Date.now();
  const ts = (daysAgo: number) => new Date(now - daysAgo * 86_400_000).toISOString();
  const batch = [
    { type: "identify", messageId: "r-1", userId: "u1", timestamp: ts(5), traits: { name: "李娜", phone: "13800138000", city: "上海", email: "lina@example.cn" } },
    { type: "identify", messageId: "r-2", userId: "u2", timestamp: ts(5), traits: { name: "王芳", phone: "13900139000", city: "上海" } },
    { type: "identify", messageId: "r-3", userId: "u3", timestamp: ts(5), traits: { name: "张伟", city: "北京" } },
    { type: "track", messageId: "r-4", userId: "u1", timestamp: ts(2), event: "Order Completed", properties: { order_id: "o-1", total: 299.5, currency: "CNY" } },
    { type: "track", messageId: "r-5", userId: "u2", timestamp: ts(1), event: "Product Viewed", properties: { sku: "molly" } },
  ];
  const res = await t.app.inject({ method: "POST", url: "/v1/batch", headers: { authorization: ingest.authorization }, payload: { batch } });
  expect(res.statusCode).toBe(200);
  while ((await t.services.projectNextBatch()) > 0);
  await drainWarehouse({ db: t.database.db, warehouse: t.warehouse });
});
afterAll(() => t.close());

const shanghai = { type: "trait", trait: "city", op: "eq", value: "上海" };

describe("segments API", () => {
  it("creates a segment whose size equals the preview count, and lists it with its trend", async () => {
    const preview = await t.app.inject({ method: "POST", url: url("/preview"), headers: { cookie: ws.ownerCookie }, payload: { rule: shanghai, sampleSize: 5 } });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json()).toMatchObject({ count: 2 });
    expect(preview.json().sample.map((p: { name: string }) => p.name).sort()).toEqual(["李娜", "王芳"]);

    const created = await t.app.inject({ method: "POST", url: url(), headers: { cookie: operator }, payload: { name: "上海客户", rule: shanghai } });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ name: "上海客户", size: 2, rule: shanghai, refreshEveryMinutes: 60 });
    const id = created.json().id as string;

    const refresh = await t.app.inject({ method: "POST", url: url(`/${id}/refresh`), headers: { cookie: operator }, payload: {} });
    expect(refresh.json()).toEqual({ size: 2, entered: 0, exited: 0 });

    const list = await t.app.inject({ method: "GET", url: url(), headers: { cookie: analyst } });
    expect(list.json().items).toEqual([expect.objectContaining({ id, size: 2, sizeTrend: [expect.objectContaining({ size: 2 }), expect.objectContaining({ size: 2 })] })]);
    const history = await t.app.inject({ method: "GET", url: url(`/${id}/history`), headers: { cookie: analyst } });
    expect(history.json().items.map((h: { entered: number }) => h.entered)).toEqual([2, 0]);
  });

  it("masks personal data for an analyst and not for the owner, in members and in the CSV export", async () => {
    const created = await t.app.inject({ method: "POST", url: url(), headers: { cookie: ws.ownerCookie }, payload: { name: "Buyers", rule: { type: "trait", trait: "order_count", op: "gte", value: 1 } } });
    const id = created.json().id as string;

    const asOwner = await t.app.inject({ method: "GET", url: url(`/${id}/members?limit=10`), headers: { cookie: ws.ownerCookie } });
    expect(asOwner.json().items).toEqual([expect.objectContaining({ name: "李娜", phone: "+8613800138000", orderCount: 1, totalSpendMinor: 29950 })]);
    const asAnalyst = await t.app.inject({ method: "GET", url: url(`/${id}/members?limit=10`), headers: { cookie: analyst } });
    expect(asAnalyst.json().items).toEqual([expect.objectContaining({ name: "李*", phone: "+86138****8000" })]);

    const ownerCsv = await t.app.inject({ method: "GET", url: url(`/${id}/export.csv`), headers: { cookie: ws.ownerCookie } });
    expect(ownerCsv.headers["content-type"]).toContain("text/csv");
    const [header, row, ...rest] = ownerCsv.body.replace(/^\uFEFF/, "").trim().split("\n");
    expect(header).toBe("profile_id,name,phone,email,city,order_count,total_spend,last_order_at");
    expect(row).toMatch(/^[0-9a-f-]{36},李娜,\+8613800138000,lina@example\.cn,上海,1,299\.50,\d{4}-/);
    expect(rest).toEqual([]);
    const analystCsv = await t.app.inject({ method: "GET", url: url(`/${id}/export.csv`), headers: { cookie: analyst } });
    expect(analystCsv.body).toContain(",李*,+86138****8000,l***@example.cn,上海,1,299.50,");
    expect(analystCsv.body).not.toContain("13800138000");
  });

  it("answers 400 segments.invalid_rule naming the path, for meaning and for shape errors", async () => {
    const bad = async (rule: unknown) => {
      const res = await t.app.inject({ method: "POST", url: url("/preview"), headers: { cookie: ws.ownerCookie }, payload: { rule } });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toBe("segments.invalid_rule");
      return res.json().error.details.problems as { path: (string | number)[]; message: string }[];
    };
    expect(await bad({ type: "and", rules: [shanghai, { type: "trait", trait: "shoe_size", op: "eq", value: 42 }] })).toEqual([
      { path: ["rules", 1, "trait"], message: expect.stringContaining("shoe_size") },
    ]);
    expect((await bad({ type: "not", rule: { type: "trait", trait: "total_spend", op: "starts_with", value: "1" } }))[0]?.path).toEqual(["rule", "op"]);
    expect(
      (await bad({ type: "or", rules: [{ type: "event", event: "Order Completed", measure: { kind: "count" }, op: "gte", value: 1, window: { kind: "in_last_days", days: -3 } }] }))[0]?.path,
    ).toEqual(["rules", 0, "window", "days"]);
    // Shape: an unknown operator, deep in the tree.
    const shape = await bad({ type: "and", rules: [shanghai, { type: "not", rule: { type: "trait", trait: "city", op: "sounds_like", value: "x" } }] });
    expect(shape[0]?.path).toEqual(["rules", 1, "rule", "op"]);
    // Other fields keep the usual request.invalid.
    const res = await t.app.inject({ method: "POST", url: url(), headers: { cookie: ws.ownerCookie }, payload: { name: "", rule: shanghai } });
    expect(res.json().error.code).toBe("request.invalid");
  });

  it("refuses deleting a referenced segment (409 naming it) and cyclic references (400)", async () => {
    const a = (await t.app.inject({ method: "POST", url: url(), headers: { cookie: ws.ownerCookie }, payload: { name: "A", rule: shanghai } })).json().id as string;
    const b = await t.app.inject({ method: "POST", url: url(), headers: { cookie: ws.ownerCookie }, payload: { name: "B", rule: { type: "and", rules: [{ type: "segment", segmentId: a }] } } });
    expect(b.json().size).toBe(2);
    const del = await t.app.inject({ method: "DELETE", url: url(`/${a}`), headers: { cookie: ws.ownerCookie } });
    expect(del.statusCode).toBe(409);
    expect(del.json().error).toMatchObject({ code: "segments.in_use", details: { segments: [{ id: b.json().id, name: "B" }] } });
    const cyclic = await t.app.inject({ method: "PATCH", url: url(`/${a}`), headers: { cookie: ws.ownerCookie }, payload: { rule: { type: "segment", segmentId: b.json().id } } });
    expect(cyclic.statusCode).toBe(400);
    expect(cyclic.json().error.details.problems[0].path).toEqual(["segmentId"]);
  });

  it("lets analysts read and preview but not create, change or refresh", async () => {
    const created = await t.app.inject({ method: "POST", url: url(), headers: { cookie: analyst }, payload: { name: "Nope", rule: shanghai } });
    expect(created.statusCode).toBe(403);
    const [first] = (await t.app.inject({ method: "GET", url: url(), headers: { cookie: analyst } })).json().items as { id: string }[];
    for (const [method, path, payload] of [
      ["PATCH", `/${first!.id}`, { name: "x" }],
      ["POST", `/${first!.id}/refresh`, {}],
      ["DELETE", `/${first!.id}`, undefined],
      ["PATCH", "/settings", { defaultRefreshEveryMinutes: 30 }],
    ] as const) {
      const res = await t.app.inject({ method, url: url(path), headers: { cookie: analyst }, ...(payload ? { payload } : {}) });
      expect(res.statusCode, `${method} ${path}`).toBe(403);
    }
    const preview = await t.app.inject({ method: "POST", url: url("/preview"), headers: { cookie: analyst }, payload: { rule: shanghai } });
    expect(preview.statusCode).toBe(200);
    expect(preview.json().sample.map((p: { name: string }) => p.name).sort()).toEqual(["李*", "王*"]);
  });

  it("serves the catalogue and editable settings", async () => {
    const catalogue = (await t.app.inject({ method: "GET", url: url("/catalogue"), headers: { cookie: analyst } })).json();
    expect(catalogue.traits).toEqual(expect.arrayContaining([{ key: "city", type: "string", source: "builtin", label: "City" }]));
    expect(catalogue.events.map((e: { name: string }) => e.name).sort()).toEqual(["Order Completed", "Product Viewed"]);
    const patched = await t.app.inject({ method: "PATCH", url: url("/settings"), headers: { cookie: ws.ownerCookie }, payload: { defaultRefreshEveryMinutes: 15 } });
    expect(patched.json()).toEqual({ defaultRefreshEveryMinutes: 15, catalogueLookbackDays: 90, previewFreshnessSeconds: 60 });
    const created = await t.app.inject({ method: "POST", url: url(), headers: { cookie: ws.ownerCookie }, payload: { name: "Fast", rule: shanghai } });
    expect(created.json().refreshEveryMinutes).toBe(15);
  });
});

describe("segments API with odd but well-shaped rules", () => {
  it("never answers 5xx to rule trees with odd strings and numbers", async () => {
    const fc = (await import("fast-check")).default;
    const odd = fc.oneof(fc.string({ unit: "binary", maxLength: 20 }), fc.constantFrom("\u0000", '"', "\\", "'; drop table profiles; --", "$1", "上海", "%", "_"));
    const num = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.constantFrom(1e308, -1e308, 2 ** 53 + 1, -0));
    const leaf = fc.oneof(
      fc.record({ type: fc.constant("trait"), trait: fc.constantFrom("city", "total_spend", "birthday", "name", "order_count"), op: fc.constantFrom("eq", "in", "contains", "between", "gt", "before", "anniversary_in_next_days"), value: fc.oneof(odd, num, fc.array(fc.oneof(odd, num), { maxLength: 3 })) }),
      fc.record({
        type: fc.constant("event"),
        event: odd.filter((s) => s.length > 0),
        where: fc.array(fc.record({ property: odd.filter((s) => s.length > 0), op: fc.constantFrom("eq", "in", "between", "exists", "contains"), value: fc.oneof(odd, num, fc.tuple(num, num)) }), { maxLength: 2 }),
        measure: fc.oneof(fc.constant({ kind: "count" }), fc.record({ kind: fc.constantFrom("sum", "avg"), property: odd.filter((s) => s.length > 0) })),
        op: fc.constantFrom("eq", "gt", "between"),
        value: fc.oneof(num, fc.tuple(num, num)),
        window: fc.oneof(fc.record({ kind: fc.constant("in_last_days"), days: num }), fc.constant({ kind: "between", from: "0001-01-01T00:00:00Z", to: "9999-12-31T23:59:59Z" })),
      }),
      fc.record({ type: fc.constant("consent"), channel: odd.filter((s) => s.length > 0), purpose: fc.constant("marketing"), granted: fc.boolean() }),
      fc.record({ type: fc.constant("store"), storeIds: fc.array(odd.filter((s) => s.length > 0), { minLength: 1, maxLength: 2 }), relation: fc.constantFrom("registered", "purchased") }),
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(leaf, fc.record({ type: fc.constant("not"), rule: leaf })), async (rule) => {
        const res = await t.app.inject({ method: "POST", url: url("/preview"), headers: { cookie: ws.ownerCookie }, payload: { rule } });
        expect(res.statusCode, `${JSON.stringify(rule)} → ${res.body}`).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
