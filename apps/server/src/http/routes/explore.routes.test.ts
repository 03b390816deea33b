import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drainWarehouse, refreshProfileSnapshot } from "@siyu/core";
import { addOperator, buildTestApp, createApiKey, createWorkspace, type TestApp, type TestWorkspace } from "../../testing/test-app";

let t: TestApp;
let ws: TestWorkspace;
let analyst: string;
let storeManager: string;
const url = (path: string) => `/api/v1/workspaces/${ws.workspaceId}/analytics${path}`;
const period = { from: "2026-11-01", to: "2026-11-07" };
const steps = [{ event: "Product Viewed" }, { event: "Product Added" }, { event: "Order Completed" }];

beforeAll(async () => {
  t = await buildTestApp();
  ws = await createWorkspace(t, "Explore brand");
  analyst = (await addOperator(t, ws, "analyst")).cookie;
  storeManager = (await addOperator(t, ws, "store_manager")).cookie;
  const ingest = await createApiKey(t, ws, "ingest");
  // u1 buys, u2 adds to cart and leaves, u3 only looks, u4 buys after the 7-day window.
  const at = (day: number, hour = 10) => `2026-11-0${day}T${String(hour).padStart(2, "0")}:00:00+08:00`;
  const track = (id: string, userId: string, event: string, timestamp: string, properties: Record<string, unknown> = {}) => ({ type: "track", messageId: id, userId, event, timestamp, properties, context: { channel: userId === "u1" ? "wechat" : "douyin" } });
  const batch = [
    { type: "identify", messageId: "i-1", userId: "u1", traits: { name: "李娜", city: "上海" } },
    { type: "identify", messageId: "i-2", userId: "u2", traits: { name: "王芳", city: "上海" } },
    { type: "identify", messageId: "i-3", userId: "u3", traits: { name: "张伟", city: "北京" } },
    track("e-1", "u1", "Product Viewed", at(1)),
    track("e-2", "u1", "Product Added", at(1, 11)),
    track("e-3", "u1", "Order Completed", at(2), { order_id: "o-1", total: 30 }),
    track("e-4", "u2", "Product Viewed", at(2)),
    track("e-5", "u2", "Product Added", at(3)),
    track("e-6", "u3", "Product Viewed", at(3)),
    track("e-7", "u4", "Product Viewed", at(1)),
    track("e-8", "u4", "Product Added", at(1, 12)),
  ];
  const res = await t.app.inject({ method: "POST", url: "/v1/batch", headers: { authorization: ingest.authorization }, payload: { batch } });
  expect(res.statusCode, res.body).toBe(200);
  while ((await t.services.projectNextBatch()) > 0);
  await drainWarehouse({ db: t.database.db, warehouse: t.warehouse });
  await refreshProfileSnapshot({ db: t.database.db, warehouse: t.warehouse, workspaceId: ws.workspaceId });
});
afterAll(() => t.close());

describe("analytics explore API", () => {
  it("a funnel answers per-step counts and transition probabilities, split by channel", async () => {
    const res = await t.app.inject({ method: "POST", url: url("/funnels"), headers: { cookie: analyst }, payload: { steps, period, breakdown: { property: "channel" } } });
    expect(res.statusCode, res.body).toBe(200);
    const [all, ...groups] = res.json().series;
    expect(all.group).toEqual({ kind: "all" });
    expect(all.steps.map((s: { count: number }) => s.count)).toEqual([4, 3, 1]);
    expect(all.steps.map((s: { fromPrevious: number }) => s.fromPrevious)).toEqual([1, 0.75, 1 / 3]);
    expect(all.conversion).toBe(0.25);
    expect(all.timeToConvert.median).toBe(86_400);
    expect(groups.map((g: { group: unknown; steps: { count: number }[] }) => [g.group, g.steps.map((s) => s.count)])).toEqual([
      [{ kind: "value", value: "douyin" }, [3, 2, 0]],
      [{ kind: "value", value: "wechat" }, [1, 1, 1]],
    ]);
  });

  it("drills into who dropped at the purchase and saves them as a fixed segment (audited)", async () => {
    const body = { query: { steps, period }, step: 2 };
    const asAnalyst = await t.app.inject({ method: "POST", url: url("/funnels/dropped"), headers: { cookie: analyst }, payload: { ...body, limit: 1 } });
    expect(asAnalyst.statusCode, asAnalyst.body).toBe(200);
    const next = await t.app.inject({ method: "POST", url: url("/funnels/dropped"), headers: { cookie: analyst }, payload: { ...body, limit: 1, cursor: asAnalyst.json().nextCursor } });
    expect(next.json()).toMatchObject({ total: 2, nextCursor: null });
    // u2 (王芳) and u4, who never told a name; names are masked without customers.pii.
    const names = (res: { json(): { items: { name: string | null }[] } }) => new Set(res.json().items.map((i) => i.name));
    expect(new Set([...names(asAnalyst), ...names(next)])).toEqual(new Set(["王*", null]));
    const asOwner = await t.app.inject({ method: "POST", url: url("/funnels/dropped"), headers: { cookie: ws.ownerCookie }, payload: body });
    expect(names(asOwner)).toEqual(new Set(["王芳", null]));

    const denied = await t.app.inject({ method: "POST", url: url("/funnels/dropped/segment"), headers: { cookie: analyst }, payload: { ...body, name: "Cart leavers" } });
    expect(denied.statusCode).toBe(403);
    const saved = await t.app.inject({ method: "POST", url: url("/funnels/dropped/segment"), headers: { cookie: ws.ownerCookie }, payload: { ...body, name: "Cart leavers" } });
    expect(saved.statusCode, saved.body).toBe(201);
    expect(saved.json()).toMatchObject({ size: 2 });
    const segment = await t.app.inject({ method: "GET", url: `/api/v1/workspaces/${ws.workspaceId}/segments/${saved.json().segmentId}`, headers: { cookie: analyst } });
    expect(segment.json()).toMatchObject({ name: "Cart leavers", size: 2, rule: { type: "tag", tagId: saved.json().tagId } });
    const log = await t.app.inject({ method: "GET", url: `/api/v1/workspaces/${ws.workspaceId}/audit-log?limit=1`, headers: { cookie: ws.ownerCookie } });
    expect(log.json().items[0]).toMatchObject({ action: "analytics.funnel_segment_saved", targetId: saved.json().segmentId });
  });

  it("events, retention and paths answer; an unknown event is zero rows, not an error", async () => {
    const events = await t.app.inject({ method: "POST", url: url("/events"), headers: { cookie: storeManager }, payload: { event: "Product Viewed", measure: { kind: "unique" }, period } });
    expect(events.statusCode, events.body).toBe(200);
    expect(events.json()).toMatchObject({ interval: "day", total: 4, series: [{ group: { kind: "all" }, values: [2, 1, 1, 0, 0, 0, 0], total: 4 }] });
    const unknown = await t.app.inject({ method: "POST", url: url("/events"), headers: { cookie: analyst }, payload: { event: "没有这个事件", period } });
    expect(unknown.json()).toMatchObject({ total: 0, series: [{ values: [0, 0, 0, 0, 0, 0, 0] }] });

    const retention = await t.app.inject({
      method: "POST",
      url: url("/retention"),
      headers: { cookie: analyst },
      payload: { cohort: { kind: "first_event", event: "Product Viewed" }, returnEvent: { event: "Product Added" }, interval: "day", periods: 2, period },
    });
    expect(retention.statusCode, retention.body).toBe(200);
    expect(retention.json().cohorts).toEqual([
      { cohort: "2026-11-01", size: 2, counts: [2, 0, 0], rates: [1, 0, 0] },
      { cohort: "2026-11-02", size: 1, counts: [0, 1, 0], rates: [0, 1, 0] },
      { cohort: "2026-11-03", size: 1, counts: [0, 0, 0], rates: [0, 0, 0] },
    ]);

    const paths = await t.app.inject({ method: "POST", url: url("/paths"), headers: { cookie: analyst }, payload: { event: "Product Viewed", depth: 2, period } });
    expect(paths.statusCode, paths.body).toBe(200);
    expect(paths.json().links).toEqual([
      { source: "0:Product Viewed", target: "1:Product Added", customers: 3 },
      { source: "1:Product Added", target: "2:Order Completed", customers: 1 },
    ]);
  });

  it("bad input is a 400 naming the field", async () => {
    const cases: [string, unknown, string][] = [
      ["/funnels", { steps: [{ event: "a" }], period }, "body.steps"],
      ["/funnels", { steps, period: { from: "2026-11-07", to: "2026-11-01" } }, "body.period.to"],
      ["/events", { event: "a", period, where: [{ property: "total", op: "gt", value: "x" }] }, "body.where.0.value"],
      ["/retention", { cohort: { kind: "first_event" }, returnEvent: { event: "a" }, period }, "body.cohort.event"],
      ["/paths", { event: "a", depth: 9, period }, "body.depth"],
    ];
    for (const [path, payload, field] of cases) {
      const res = await t.app.inject({ method: "POST", url: url(path), headers: { cookie: analyst }, payload: payload as object });
      expect(res.statusCode, `${path} ${res.body}`).toBe(400);
      expect(res.json().error.details.map((d: { path: string }) => d.path)).toContain(field);
    }
  });

  it("saved reports: create, list, change and delete, each audited; a bad funnel query names its field", async () => {
    const query = { steps, period, window: { value: 3, unit: "day" } };
    const denied = await t.app.inject({ method: "POST", url: url("/reports"), headers: { cookie: storeManager }, payload: { kind: "funnel", name: "Weekly", query } });
    expect(denied.statusCode).toBe(403);
    const created = await t.app.inject({ method: "POST", url: url("/reports"), headers: { cookie: analyst }, payload: { kind: "funnel", name: "Weekly", query } });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const list = await t.app.inject({ method: "GET", url: url("/reports?kind=funnel"), headers: { cookie: storeManager } });
    expect(list.json().items.map((r: { name: string }) => r.name)).toContain("Weekly");
    const changed = await t.app.inject({ method: "PATCH", url: url(`/reports/${id}`), headers: { cookie: analyst }, payload: { name: "Weekly funnel" } });
    expect(changed.json()).toMatchObject({ name: "Weekly funnel", query });
    const bad = await t.app.inject({ method: "PATCH", url: url(`/reports/${id}`), headers: { cookie: analyst }, payload: { query: { steps: [] } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: "analytics.invalid_report_query" });
    expect(bad.json().error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(["query.steps", "query.period"]));
    const removed = await t.app.inject({ method: "DELETE", url: url(`/reports/${id}`), headers: { cookie: analyst } });
    expect(removed.statusCode).toBe(204);
    const gone = await t.app.inject({ method: "GET", url: url(`/reports/${id}`), headers: { cookie: analyst } });
    expect(gone.json().error.code).toBe("analytics.report_not_found");
    const log = await t.app.inject({ method: "GET", url: `/api/v1/workspaces/${ws.workspaceId}/audit-log?limit=3`, headers: { cookie: ws.ownerCookie } });
    expect(log.json().items.map((e: { action: string }) => e.action)).toEqual(["analytics.report_deleted", "analytics.report_updated", "analytics.report_created"]);
  });
});
