import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AttributionReportDto } from "@siyu/contracts";
import { drainWarehouse } from "@siyu/core";
import { addOperator, buildTestApp, createApiKey, createWorkspace, type TestApp, type TestWorkspace } from "../../testing/test-app";

let t: TestApp;
let ws: TestWorkspace;
beforeAll(async () => {
  t = await buildTestApp();
  ws = await createWorkspace(t, "Attribution brand");
});
afterAll(() => t.close());

const url = `/api/v1/workspaces/:ws/analytics/attribution`;
const post = (payload: unknown, cookie = ws.ownerCookie) =>
  t.app.inject({ method: "POST", url: url.replace(":ws", ws.workspaceId), headers: { cookie }, payload: payload as Record<string, unknown> });

describe("attribution API", () => {
  it("credits conversions sent through ingestion to the channels that touched them, by every model", async () => {
    const ingest = await createApiKey(t, ws, "ingest");
    // Shanghai time. Ann: WeCom then SMS, buys 120 at the store S1. Bo: SMS, buys 80 online.
    // Cy: WeCom, no order. Di: buys 50 without any touch. Ed's touch is 19 days before his order: older than the 14-day lookback.
    // Fay's touch is in March, her order in April. Bo's product view comes from a server library that
    // sets the message's top-level channel to the platform ("server", as RudderStack's Node client does): no touch.
    const at = (day: number, hour: number) => new Date(Date.UTC(2026, 2, day, hour - 8)).toISOString();
    const track = (userId: string, event: string, timestamp: string, extra: Record<string, unknown> = {}) => ({
      type: "track", userId, event, timestamp, messageId: `${userId}-${event}-${timestamp}`, ...extra,
    });
    const batch = [
      track("ann", "Message Clicked", at(2, 10), { context: { channel: "wecom" } }),
      track("ann", "Message Clicked", at(3, 10), { context: { channel: "sms" } }),
      track("ann", "Order Completed", at(3, 12), { properties: { order_id: "o-ann", total: 120, store_id: "S1" } }),
      track("bo", "Message Clicked", at(4, 9), { context: { channel: "sms" } }),
      track("bo", "Product Viewed", at(4, 12), { channel: "server" }),
      track("bo", "Order Completed", at(5, 9), { properties: { order_id: "o-bo", total: 80 } }),
      track("cy", "Message Clicked", at(6, 9), { context: { channel: "wecom" } }),
      track("di", "Order Completed", at(7, 9), { properties: { order_id: "o-di", total: 50 } }),
      track("ed", "Message Clicked", at(1, 9), { context: { channel: "douyin" } }),
      track("ed", "Order Completed", at(20, 9), { properties: { order_id: "o-ed", total: 10 } }),
      // April is outside the period.
      track("fay", "Message Clicked", at(30, 9), { context: { channel: "wecom" } }),
      track("fay", "Order Completed", "2026-04-02T01:00:00.000Z", { properties: { order_id: "o-fay", total: 99 } }),
    ];
    const sent = await t.app.inject({ method: "POST", url: "/v1/batch", headers: { authorization: ingest.authorization }, payload: { batch } });
    expect(sent.statusCode, sent.body).toBe(200);
    while ((await t.services.projectNextBatch()) > 0);
    await drainWarehouse({ db: t.database.db, warehouse: t.warehouse });

    const res = await post({ from: "2026-03-01", to: "2026-03-31", lookbackDays: 14 });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json<AttributionReportDto>();
    expect(report.query).toMatchObject({ timeZone: "Asia/Shanghai", dimension: "channel", conversionEvent: "Order Completed" });
    // Ann, Bo, Di, Ed converted in March; Ann and Bo had touches in their window.
    expect(report.totals).toMatchObject({ conversions: 4, value: 260, attributedConversions: 2, attributedValue: 200, convertedJourneys: 2 });
    // Journeys: Ann's and Bo's, and three that did not convert: Cy's, Ed's (too early for his order) and Fay's.
    expect(report.totals.journeys).toBe(5);
    const row = (key: string) => report.rows.find((r) => r.key === key)!;
    expect(row("wecom").firstTouch).toEqual({ conversions: 1, value: 120 });
    expect(row("sms").firstTouch).toEqual({ conversions: 1, value: 80 });
    expect(row("sms").lastTouch).toEqual({ conversions: 2, value: 200 });
    expect(row("wecom").linear).toEqual({ conversions: 0.5, value: 60 });
    expect(row("sms").linear).toEqual({ conversions: 1.5, value: 140 });
    // Time decay, half-life 7 days: Ann's WeCom touch (26 h before) is a day older than her SMS one (2 h before).
    const w = 0.5 ** (1 / 7);
    expect(row("wecom").timeDecay.conversions).toBeCloseTo(w / (1 + w), 9);
    // Every model shares out the same two conversions.
    for (const model of ["firstTouch", "lastTouch", "linear", "timeDecay", "shapley", "markov"] as const) {
      const total = report.rows.reduce((a, r) => a + r[model].conversions, 0);
      expect(total, model).toBeCloseTo(2, 9);
    }
    expect(report.shapley.method).toBe("exact");
    expect(row("douyin").linear.conversions).toBe(0);
    expect(report.rows.map((r) => r.key).sort()).toEqual(["douyin", "sms", "wecom"]);
    // Only conversions at the store S1.
    const store = (await post({ from: "2026-03-01", to: "2026-03-31", lookbackDays: 14, storeId: "S1" })).json<AttributionReportDto>();
    expect(store.totals).toMatchObject({ conversions: 1, value: 120, attributedConversions: 1 });
  });

  it("refuses a bad query naming the field", async () => {
    const cases = [
      [{ from: "2026-03-10", to: "2026-03-01" }, "body.to"],
      [{ from: "2026-03-01", to: "2026-03-31", dimension: "touchpoint" }, "body.touchpointEvents"],
      [{ from: "2026-3-1", to: "2026-03-31" }, "body.from"],
      [{ from: "2026-03-01", to: "2026-03-31", lookbackDays: 0 }, "body.lookbackDays"],
      [{ from: "2026-03-01", to: "2026-03-31", shapley: { permutations: 5 } }, "body.shapley.permutations"],
    ] as const;
    for (const [payload, path] of cases) {
      const res = await post(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      const error = res.json<{ error: { code: string; details: { path: string }[] } }>().error;
      expect(error.code).toBe("request.invalid");
      expect(error.details.map((d) => d.path)).toContain(path);
    }
  });

  it("is open to analysts and store managers, not to people outside the workspace", async () => {
    const analyst = await addOperator(t, ws, "analyst");
    expect((await post({ from: "2026-03-01", to: "2026-03-31" }, analyst.cookie)).statusCode).toBe(200);
    const manager = await addOperator(t, ws, "store_manager");
    expect((await post({ from: "2026-03-01", to: "2026-03-31" }, manager.cookie)).statusCode).toBe(200);
    const other = await createWorkspace(t, "Another brand");
    // Someone else's workspace is not found, as for every workspace route.
    expect((await post({ from: "2026-03-01", to: "2026-03-31" }, other.ownerCookie)).statusCode).toBe(404);
  });
});
