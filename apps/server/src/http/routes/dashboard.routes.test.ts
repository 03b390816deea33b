import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drainWarehouse, refreshProfileSnapshot } from "@siyu/core";
import type { CampaignRoiDto, DashboardDto, KpiMetricDto, WeeklyReportDto } from "@siyu/contracts";
import { addOperator, buildTestApp, createApiKey, createStore, createWorkspace, type TestApp, type TestWorkspace } from "../../testing/test-app";

// The analytics KPI routes end to end: events through the real tracking API, the projector, the
// warehouse loader and the snapshot, then the dashboard, costs, ROI and the weekly review.

let t: TestApp;
let ws: TestWorkspace;
let storeId: string;
beforeAll(async () => {
  t = await buildTestApp({ logLevel: (process.env.KPI_LOG ?? "silent") as "silent" });
  ws = await createWorkspace(t, "KPI brand");
  storeId = await createStore(t, ws, "SH-001");
  const ingest = await createApiKey(t, ws, "ingest");
  // Asia/Shanghai: 2026-03-02 00:00 local = 2026-03-01T16:00Z.
  const batch = [
    { type: "identify", userId: "m1", timestamp: "2026-03-02T02:00:00Z", traits: { source_channel: "douyin", utm_campaign: "spring" } },
    { type: "track", userId: "m1", event: "Order Completed", timestamp: "2026-03-02T03:00:00Z", properties: { order_id: "o1", total: 30, store_id: "SH-001" } },
    { type: "track", userId: "m1", event: "Order Completed", timestamp: "2026-03-05T03:00:00Z", properties: { order_id: "o2", total: 20, store_id: "SH-001" } },
    { type: "identify", userId: "m2", timestamp: "2026-03-03T02:00:00Z", traits: { source_channel: "wecom" } },
    { type: "track", userId: "m2", event: "Order Completed", timestamp: "2026-03-03T03:00:00Z", properties: { order_id: "o3", total: 50, store_id: "BJ-001" } },
    // Refunded in part two weeks later: still this week's order, net 40.
    { type: "track", userId: "m2", event: "Order Refunded", timestamp: "2026-03-17T03:00:00Z", properties: { order_id: "o3", total: 10 } },
    // 23:30 local on Sunday 8 March is still week 10; 00:30 on Monday is week 11.
    { type: "track", userId: "m2", event: "Order Completed", timestamp: "2026-03-08T15:30:00Z", properties: { order_id: "o4", total: 10 } },
    { type: "track", userId: "m2", event: "Order Completed", timestamp: "2026-03-08T16:30:00Z", properties: { order_id: "o5", total: 7 } },
  ].map((m, i) => ({ ...m, messageId: `kpi-${i}` }));
  const res = await t.app.inject({ method: "POST", url: "/v1/batch", headers: { authorization: ingest.authorization }, payload: { batch } });
  expect(res.statusCode, res.body).toBe(200);
  while ((await t.services.projectNextBatch()) > 0);
  await drainWarehouse({ db: t.database.db, warehouse: t.warehouse });
  await refreshProfileSnapshot({ db: t.database.db, warehouse: t.warehouse, workspaceId: ws.workspaceId });
});
afterAll(() => t.close());

const url = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;
const get = (path: string) => t.app.inject({ method: "GET", url: url(path), headers: { cookie: ws.ownerCookie } });
const metricOf = (d: DashboardDto, key: string) => d.metrics.find((m) => m.key === key) as KpiMetricDto;

describe("analytics KPI API", () => {
  it("answers the dashboard for a period against the one before, and per store", async () => {
    const res = await get("/analytics/dashboard?from=2026-03-02&to=2026-03-08");
    expect(res.statusCode, res.body).toBe(200);
    const d = res.json<DashboardDto>();
    expect(d.period).toEqual({ from: "2026-03-02", to: "2026-03-08", days: 7 });
    expect(d.previousPeriod).toEqual({ from: "2026-02-23", to: "2026-03-01", days: 7 });
    expect(metricOf(d, "orders")).toMatchObject({ value: 4, previous: 0, change: 4 });
    expect(metricOf(d, "gmv")).toMatchObject({ value: 10_000 }); // 30 + 20 + (50 − 10) + 10, in fen
    expect(metricOf(d, "newMembers").value).toBe(2);
    expect(metricOf(d, "buyers").value).toBe(2);
    expect(metricOf(d, "repurchaseRate").value).toBe(1);
    expect(metricOf(d, "gmv").series).toHaveLength(7);
    expect(metricOf(d, "messagesSent")).toMatchObject({ value: 0, previous: 0 });
    expect(metricOf(d, "messagesSent").series).toHaveLength(7);
    expect(metricOf(d, "ltv").note).toContain("historic_spend");

    const store = (await get(`/analytics/dashboard?from=2026-03-02&to=2026-03-08&storeId=${storeId}`)).json<DashboardDto>();
    expect(metricOf(store, "orders").value).toBe(2);
    expect(metricOf(store, "gmv").value).toBe(5_000);
  });

  it("names the field of bad input", async () => {
    const cases: [string, string][] = [
      ["/analytics/dashboard?from=2026-03-09&to=2026-03-08", "from"],
      ["/analytics/dashboard?from=2026-03-02", "to"],
      ["/analytics/dashboard?from=2026-02-30&to=2026-03-08", "from"],
      ["/analytics/dashboard?from=2024-01-01&to=2026-03-08", "to"],
      ["/analytics/dashboard?storeId=nope", "storeId"],
      ["/analytics/campaigns/roi?from=2026-03-09&to=2026-03-08", "from"],
      ["/analytics/reports/weekly?week=2026-10", "week"],
      ["/analytics/reports/weekly?week=2025-W53", "week"],
      ["/analytics/reports/weekly?format=xml", "format"],
    ];
    for (const [path, field] of cases) {
      const res = await get(path);
      expect(res.statusCode, `${path} → ${res.body}`).toBe(400);
      const error = res.json<{ error: { details: { path: string }[] } }>().error;
      expect(error.details.map((x) => x.path).join(" "), path).toContain(field);
    }
    const unknownStore = await get("/analytics/dashboard?storeId=0190a000-0000-7000-8000-000000000999");
    expect(unknownStore.statusCode).toBe(404);
  });

  it("keeps acquisition costs (audited), and shows CAC, N and ROI from them", async () => {
    const body = { kind: "channel", key: "douyin", from: "2026-03-01", to: "2026-03-10", amountMinor: 10_000, note: "ads" };
    const created = await t.app.inject({ method: "POST", url: url("/analytics/costs"), headers: { cookie: ws.ownerCookie }, payload: body });
    expect(created.statusCode, created.body).toBe(201);
    const cost = created.json<{ id: string }>();
    const campaign = await t.app.inject({
      method: "POST",
      url: url("/analytics/costs"),
      headers: { cookie: ws.ownerCookie },
      payload: { kind: "campaign", key: "spring", from: "2026-03-02", to: "2026-03-08", amountMinor: 2_000 },
    });
    expect(campaign.statusCode).toBe(201);

    const bad = await t.app.inject({ method: "POST", url: url("/analytics/costs"), headers: { cookie: ws.ownerCookie }, payload: { ...body, from: "2026-03-11" } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { details: { path: string }[] } }>().error.details[0]!.path).toContain("from");

    const d = (await get("/analytics/dashboard?from=2026-03-02&to=2026-03-08")).json<DashboardDto>();
    // 7 of douyin's 10 days (7,000) + the campaign's 2,000 = 9,000 fen over 2 new members.
    expect(metricOf(d, "acquisitionCost").value).toBe(9_000);
    expect(metricOf(d, "cac").value).toBe(4_500);
    expect(metricOf(d, "ltvToCac").value).toBeCloseTo(metricOf(d, "ltv").value! / 4_500, 10);
    expect(d.cacBreakdown).toEqual([
      { kind: "channel", key: "douyin", costMinor: 7_000, newMembers: 1, cacMinor: 7_000 },
      { kind: "campaign", key: "spring", costMinor: 2_000, newMembers: 1, cacMinor: 2_000 },
    ]);

    const roi = (await get("/analytics/campaigns/roi?from=2026-03-02&to=2026-03-08")).json<{ rows: Record<string, unknown>[] }>();
    // m1's orders (30 + 20) are credited to douyin and to spring by m1's acquisition.
    expect(roi.rows).toContainEqual({ kind: "campaign", key: "spring", costMinor: 2_000, revenueMinor: 5_000, orders: 2, roi: 1.5, marginContributionMinor: 1_000 });
    expect(roi.rows).toContainEqual({ kind: "channel", key: "douyin", costMinor: 7_000, revenueMinor: 5_000, orders: 2, roi: -2_000 / 7_000, marginContributionMinor: -4_000 });
    expect(roi.rows).toContainEqual(expect.objectContaining({ kind: "channel", key: "wecom", costMinor: 0, roi: null, revenueMinor: 5_000 }));

    const put = await t.app.inject({ method: "PUT", url: url(`/analytics/costs/${cost.id}`), headers: { cookie: ws.ownerCookie }, payload: { ...body, amountMinor: 20_000 } });
    expect(put.json()).toMatchObject({ amountMinor: 20_000, key: "douyin" });
    const list = (await get("/analytics/costs?from=2026-03-01&to=2026-03-31")).json<{ items: unknown[] }>();
    expect(list.items).toHaveLength(2);
    const del = await t.app.inject({ method: "DELETE", url: url(`/analytics/costs/${cost.id}`), headers: { cookie: ws.ownerCookie } });
    expect(del.statusCode).toBe(204);
    expect((await t.app.inject({ method: "DELETE", url: url(`/analytics/costs/${cost.id}`), headers: { cookie: ws.ownerCookie } })).statusCode).toBe(404);

    const audit = (await get("/audit-log?limit=50")).json<{ items: { action: string }[] }>();
    const actions = audit.items.map((i) => i.action);
    expect(actions).toEqual(expect.arrayContaining(["analytics.cost_created", "analytics.cost_updated", "analytics.cost_deleted"]));
  });

  it("credits ROI to the last touch before each order when asked, as the attribution report's journeys do", async () => {
    const touchWs = await createWorkspace(t, "Touch brand");
    const ingest = await createApiKey(t, touchWs, "ingest");
    // Shanghai time, March 2026; the period is 2–8 March, the lookback 30 days.
    const at = (day: number, hour: number) => new Date(Date.UTC(2026, 2, day, hour - 8)).toISOString();
    const track = (userId: string, event: string, timestamp: string, extra: Record<string, unknown> = {}) => ({ type: "track", userId, event, timestamp, ...extra });
    const order = (userId: string, id: string, timestamp: string, total: number) => track(userId, "Order Completed", timestamp, { properties: { order_id: id, total } });
    const batch = [
      // Ann: a WeCom message of the spring campaign, then an order; her second order has no touch of its own.
      track("ann", "Promotion Clicked", at(2, 10), { context: { channel: "wecom" }, properties: { utm_campaign: "spring" } }),
      order("ann", "a1", at(2, 12), 30),
      order("ann", "a2", at(5, 12), 20),
      // Bo: an ad of the autumn campaign 40 days before (past the lookback), an SMS the day before his order,
      // which is refunded in part (net 40).
      track("bo", "Promotion Viewed", "2026-01-21T02:00:00.000Z", { context: { channel: "douyin", campaign: { name: "autumn" } } }),
      track("bo", "Promotion Clicked", at(2, 9), { context: { channel: "sms" } }),
      order("bo", "b1", at(3, 9), 50),
      track("bo", "Order Refunded", at(4, 9), { properties: { order_id: "b1", total: 10 } }),
      // Cy's only event besides the order comes from a server library that names the platform, not a channel.
      track("cy", "Product Viewed", at(3, 8), { channel: "server" }),
      order("cy", "c1", at(3, 9), 20),
      // Di is reached on WeCom, then refunds the whole order: nothing to credit.
      track("di", "Promotion Clicked", at(4, 8), { context: { channel: "wecom" } }),
      order("di", "d1", at(4, 9), 15),
      track("di", "Order Refunded", at(4, 18), { properties: { order_id: "d1" } }),
    ].map((m, i) => ({ ...m, messageId: `touch-${i}` }));
    const sent = await t.app.inject({ method: "POST", url: "/v1/batch", headers: { authorization: ingest.authorization }, payload: { batch } });
    expect(sent.statusCode, sent.body).toBe(200);
    while ((await t.services.projectNextBatch()) > 0);
    await drainWarehouse({ db: t.database.db, warehouse: t.warehouse });
    await refreshProfileSnapshot({ db: t.database.db, warehouse: t.warehouse, workspaceId: touchWs.workspaceId });
    const roiOf = async (query: string) => {
      const res = await t.app.inject({ method: "GET", url: `/api/v1/workspaces/${touchWs.workspaceId}/analytics/campaigns/roi?from=2026-03-02&to=2026-03-08${query}`, headers: { cookie: touchWs.ownerCookie } });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<CampaignRoiDto>();
    };

    const touch = await roiOf("&credit=lastTouch&lookbackDays=30");
    expect(touch).toMatchObject({ credit: "lastTouch", lookbackDays: 30 });
    const rows = touch.rows.map((r) => [r.kind, r.key, r.orders, r.revenueMinor]).sort();
    expect(rows).toEqual([
      ["campaign", "spring", 1, 3_000],
      ["channel", "sms", 1, 4_000],
      ["channel", "wecom", 1, 3_000],
    ]);
    // With a lookback of 50 days Bo's autumn ad counts for his order's campaign; the SMS stays his last channel.
    const longer = (await roiOf("&credit=lastTouch&lookbackDays=50")).rows.map((r) => [r.kind, r.key, r.orders, r.revenueMinor]).sort();
    expect(longer).toEqual([
      ["campaign", "autumn", 1, 4_000],
      ["campaign", "spring", 1, 3_000],
      ["channel", "sms", 1, 4_000],
      ["channel", "wecom", 1, 3_000],
    ]);
    // The order rule: no order carries UTM; Bo's first campaign (the autumn ad, in its context) is his acquisition campaign.
    const byOrder = await roiOf("");
    expect(byOrder).toMatchObject({ credit: "order", lookbackDays: null });
    expect(byOrder.rows.map((r) => [r.kind, r.key, r.orders, r.revenueMinor])).toEqual([["campaign", "autumn", 1, 4_000]]);

    for (const [query, field] of [["credit=firstTouch", "credit"], ["credit=lastTouch&lookbackDays=0", "lookbackDays"]] as const) {
      const refused = await t.app.inject({ method: "GET", url: `/api/v1/workspaces/${touchWs.workspaceId}/analytics/campaigns/roi?${query}`, headers: { cookie: touchWs.ownerCookie } });
      expect(refused.statusCode, query).toBe(400);
      expect(refused.json<{ error: { details: { path: string }[] } }>().error.details[0]!.path, query).toContain(field);
    }
  });

  it("lets an analyst read but not enter costs", async () => {
    const analyst = await addOperator(t, ws, "analyst");
    const auditor = await addOperator(t, ws, "auditor");
    const payload = { kind: "channel", key: "tmall", from: "2026-03-01", to: "2026-03-01", amountMinor: 100 };
    const byAuditor = await t.app.inject({ method: "POST", url: url("/analytics/costs"), headers: { cookie: auditor.cookie! }, payload });
    expect(byAuditor.statusCode).toBe(403);
    expect((await t.app.inject({ method: "GET", url: url("/analytics/dashboard"), headers: { cookie: auditor.cookie! } })).statusCode).toBe(200);
    const byAnalyst = await t.app.inject({ method: "POST", url: url("/analytics/costs"), headers: { cookie: analyst.cookie! }, payload });
    expect(byAnalyst.statusCode).toBe(201);
  });

  it("asks a store manager for one of their stores", async () => {
    const manager = await addOperator(t, ws, "store_manager", [storeId]);
    const all = await t.app.inject({ method: "GET", url: url("/analytics/dashboard"), headers: { cookie: manager.cookie! } });
    expect(all.statusCode).toBe(403);
    expect(all.json().error.code).toBe("analytics.store_required");
    const own = await t.app.inject({ method: "GET", url: url(`/analytics/dashboard?storeId=${storeId}`), headers: { cookie: manager.cookie! } });
    expect(own.statusCode, own.body).toBe(200);
  });

  it("writes the weekly review as JSON and CSV, with the alerts of the week's periods", async () => {
    // A daily rule on orders, evaluated on the mornings of 6 and 8 March (Shanghai): 5 March had an
    // order (fired), 6 March none (resolved).
    const ctx = { workspaceId: ws.workspaceId, actor: { type: "system" as const, id: null, name: "test" }, storeIds: null, ip: null };
    await t.services.alerts.createRule(ctx, { name: "Any orders", metric: { kind: "orders" }, granularity: "day", condition: { kind: "threshold", direction: "above", value: 0 }, severity: "info" });
    await t.services.alerts.evaluateDue({ workspaceId: ws.workspaceId, now: new Date("2026-03-06T00:00:00Z") });
    await t.services.alerts.evaluateDue({ workspaceId: ws.workspaceId, now: new Date("2026-03-08T00:00:00Z") });

    const json = await get("/analytics/reports/weekly?week=2026-W10");
    expect(json.statusCode, json.body).toBe(200);
    const report = json.json<WeeklyReportDto>();
    expect(report.period).toEqual({ from: "2026-03-02", to: "2026-03-08", days: 7 });
    expect(report.kpis.find((k) => k.key === "orders")!.value).toBe(4);
    expect(report.alerts.map(({ message: _m, ...a }) => a)).toEqual([
      { rule: "Any orders", severity: "info", kind: "fired", periodStart: "2026-03-05" },
      { rule: "Any orders", severity: "info", kind: "resolved", periodStart: "2026-03-06" },
    ]);
    expect(report.alertsNote).toBe("1 fired, 1 resolved.");
    expect((await get("/analytics/reports/weekly?week=2026-W11")).json<WeeklyReportDto>().alerts).toEqual([]);
    const csv = await get("/analytics/reports/weekly?week=2026-W10&format=csv");
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toContain("text/csv");
    expect(csv.headers["content-disposition"]).toContain("weekly-review-2026-W10.csv");
    const lines = csv.body.replace(/^\uFEFF/, "").split("\r\n");
    expect(lines[0]).toBe("week,2026-W10,from,2026-03-02,to,2026-03-08,currency,CNY");
    expect(lines).toContain("orders,count,4,0,4,");
    expect(lines.find((l) => l.startsWith("gmv,money,"))).toMatch(/^gmv,money,100,0,100,/);
    expect(lines).toContain("campaign_kind,campaign,cost,revenue,orders,roi,margin_contribution");
    expect(lines).toContain("period_start,rule,severity,kind,message");
    expect(lines.filter((l) => /^2026-03-0[56],Any orders,info,/.test(l))).toHaveLength(2);
  });
});
