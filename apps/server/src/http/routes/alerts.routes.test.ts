import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlertEventListDto, AlertPreviewDto, AlertRuleDto, AlertRuleListDto } from "@siyu/contracts";
import { drainWarehouse } from "@siyu/core";
import { type FakeHttpServer, type FakeRequest, startFakeHttpServer } from "@siyu/core/testing";
import { addOperator, buildTestApp, createApiKey, createWorkspace, type TestApp, type TestWorkspace } from "../../testing/test-app";

let t: TestApp;
let ws: TestWorkspace;
let receiver: FakeHttpServer;
let receiverUrl: string;
const received: FakeRequest[] = [];
/** Status codes the receiver answers with, in turn; 200 once they run out. */
const answers: number[] = [];

beforeAll(async () => {
  t = await buildTestApp();
  ws = await createWorkspace(t, "Alerts brand");
  receiver = await startFakeHttpServer((req) => {
    received.push(req);
    return { status: answers.shift() ?? 200, body: "" };
  });
  receiverUrl = `${receiver.url}hooks/siyu`;
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

const url = (path: string) => `/api/v1/workspaces/${ws.workspaceId}/alerts${path}`;
const call = (method: "GET" | "POST" | "PUT" | "DELETE", path: string, payload?: unknown, cookie = ws.ownerCookie) =>
  t.app.inject({ method, url: url(path), headers: { cookie }, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });

/** Local noon of the day `daysAgo` before today in Shanghai, as an ISO instant. */
function shanghaiNoon(daysAgo: number): string {
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const day = new Date(Date.parse(`${today}T12:00:00+08:00`) - daysAgo * 86_400_000);
  return day.toISOString();
}

describe("alerts API", () => {
  it("fires a day-over-day surge once, signs its webhook as Standard Webhooks does, retries it, and lets an operator acknowledge it", async () => {
    const ingest = await createApiKey(t, ws, "ingest");
    // Complaints: 10 three days ago, 10 two days ago, 14 yesterday (+40 %).
    const batch: Record<string, unknown>[] = [];
    for (const [daysAgo, n] of [[3, 10], [2, 10], [1, 14]] as const) {
      for (let i = 0; i < n; i++) batch.push({ type: "track", userId: `c-${daysAgo}-${i}`, event: "Complaint Filed", timestamp: shanghaiNoon(daysAgo), messageId: `cf-${daysAgo}-${i}` });
    }
    const sent = await t.app.inject({ method: "POST", url: "/v1/batch", headers: { authorization: ingest.authorization }, payload: { batch } });
    expect(sent.statusCode, sent.body).toBe(200);
    while ((await t.services.projectNextBatch()) > 0);
    await drainWarehouse({ db: t.database.db, warehouse: t.warehouse });

    const rule = { name: "Complaints +30 %", metric: { kind: "event_count", event: "Complaint Filed" }, granularity: "day", condition: { kind: "change", percent: 30 }, severity: "emergency", webhookUrl: receiverUrl, plan: "Call the stores." };
    const preview = await call("POST", "/preview", rule);
    expect(preview.statusCode, preview.body).toBe(200);
    const points = preview.json<AlertPreviewDto>().points;
    expect(points.slice(-3).map((p) => p.value)).toEqual([10, 10, 14]);
    expect(preview.json<AlertPreviewDto>().fires).toEqual([points.at(-1)!.periodStart]);

    const created = await call("POST", "/rules", rule);
    expect(created.statusCode, created.body).toBe(201);
    const saved = created.json<AlertRuleDto>();
    expect(saved).toMatchObject({ state: "ok", evaluatedThrough: null, consecutive: 1 });
    expect(saved.webhookSecret).toMatch(/^whsec_/);

    const run = await call("POST", "/evaluation", {});
    expect(run.json()).toEqual({ changed: 1 });
    // Evaluating again finds no new complete period: nothing twice.
    expect((await call("POST", "/evaluation", {})).json()).toEqual({ changed: 0 });
    const rules = (await call("GET", "/rules")).json<AlertRuleListDto>().items;
    expect(rules.find((r) => r.id === saved.id)).toMatchObject({ state: "firing", evaluatedThrough: points.at(-1)!.periodStart });

    const events = (await call("GET", "/events?unacknowledged=true")).json<AlertEventListDto>();
    expect(events.unacknowledged).toBe(1);
    expect(events.items[0]).toMatchObject({ ruleName: "Complaints +30 %", kind: "fired", value: 14, severity: "emergency", plan: "Call the stores.", webhook: "pending" });
    expect(events.items[0]!.bound).toBeCloseTo(13, 5);

    // The receiver fails the first delivery; the retry a minute later goes through.
    answers.push(500);
    expect(await t.services.alerts.deliverWebhooks()).toBe(1);
    expect((await call("GET", "/events")).json<AlertEventListDto>().items[0]!.webhook).toBe("pending");
    expect(await t.services.alerts.deliverWebhooks()).toBe(0);
    expect(await t.services.alerts.deliverWebhooks(new Date(Date.now() + 90_000))).toBe(1);
    expect((await call("GET", "/events")).json<AlertEventListDto>().items[0]!.webhook).toBe("delivered");
    expect(received).toHaveLength(2);
    const { headers, body } = received[1]!;
    const key = Buffer.from(saved.webhookSecret!.slice("whsec_".length), "base64");
    const expected = createHmac("sha256", key).update(`${headers["webhook-id"]}.${headers["webhook-timestamp"]}.${body}`).digest("base64");
    expect(headers["webhook-signature"]).toBe(`v1,${expected}`);
    expect(headers["webhook-id"]).toBe(events.items[0]!.id);
    expect(JSON.parse(body)).toMatchObject({ type: "alert.fired", data: { ruleName: "Complaints +30 %", value: 14, workspaceId: ws.workspaceId } });

    const analyst = await addOperator(t, ws, "analyst");
    const ack = await call("POST", `/events/${events.items[0]!.id}/acknowledgement`, {}, analyst.cookie);
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json()).toMatchObject({ acknowledgedAt: expect.any(String) });
    expect((await call("GET", "/events?unacknowledged=true")).json<AlertEventListDto>().unacknowledged).toBe(0);
  });

  it("stops a webhook at 410 Gone", async () => {
    const rule = await t.services.alerts.createRule(
      { workspaceId: ws.workspaceId, actor: { type: "system", id: null, name: "test" }, storeIds: null, ip: null },
      { name: "Always", metric: { kind: "orders" }, granularity: "day", condition: { kind: "threshold", direction: "above", value: -1 }, webhookUrl: receiverUrl },
    );
    await t.services.alerts.evaluateDue({ workspaceId: ws.workspaceId });
    answers.push(410);
    expect(await t.services.alerts.deliverWebhooks()).toBe(1);
    const event = (await call("GET", "/events")).json<AlertEventListDto>().items.find((e) => e.ruleId === rule.id)!;
    expect(event.webhook).toBe("failed");
    expect(await t.services.alerts.deliverWebhooks(new Date(Date.now() + 3_600_000))).toBe(0);
  });

  it("installs the brand plans' rules once, and refuses bad rules naming the field", async () => {
    const first = (await call("POST", "/rules/defaults", {})).json<AlertRuleListDto>().items.filter((r) => r.code);
    expect(first.map((r) => r.code).sort()).toEqual(["active_customers_low", "complaint_rate_high", "complaints_surge", "revenue_above_forecast", "stock_low"]);
    expect(first.find((r) => r.code === "active_customers_low")).toMatchObject({ granularity: "week", consecutive: 2, condition: { kind: "band", k: 2, direction: "below" } });
    const again = (await call("POST", "/rules/defaults", {})).json<AlertRuleListDto>().items.filter((r) => r.code);
    expect(again).toHaveLength(5);

    const good = { name: "x", metric: { kind: "orders" }, granularity: "day", condition: { kind: "threshold", direction: "above", value: 1 } };
    const cases = [
      [{ ...good, granularity: "month" }, "body.granularity"],
      [{ ...good, condition: { kind: "band", direction: "below", k: 2, window: 1 } }, "body.condition.window"],
      [{ ...good, condition: { kind: "change", percent: 0 } }, "body.condition.percent"],
      [{ ...good, metric: { kind: "event_ratio", event: "Complaint Filed" } }, "body.metric.per"],
      [{ ...good, webhookUrl: "ftp://example.com" }, "body.webhookUrl"],
      [{ ...good, consecutive: 0 }, "body.consecutive"],
    ] as const;
    for (const [payload, path] of cases) {
      const res = await call("POST", "/rules", payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json<{ error: { details: { path: string }[] } }>().error.details.map((d) => d.path)).toContain(path);
    }
    const analyst = await addOperator(t, ws, "store_manager");
    expect((await call("POST", "/rules", good, analyst.cookie)).statusCode).toBe(403);
    expect((await call("GET", "/rules", undefined, analyst.cookie)).statusCode).toBe(200);
  });
});
