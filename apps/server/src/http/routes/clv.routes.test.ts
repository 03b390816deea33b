import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drainWarehouse, refreshProfileSnapshot, simulateClv } from "@siyu/core";
import { addOperator, buildTestApp, createApiKey, createWorkspace, type TestApp, type TestWorkspace } from "../../testing/test-app";

let t: TestApp;
let ws: TestWorkspace;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await buildTestApp();
  ws = await createWorkspace(t, "CLV brand");
});
afterAll(() => t.close());

const base = () => `/api/v1/workspaces/${ws.workspaceId}`;
const get = (url: string, cookie = ws.ownerCookie) => t.app.inject({ method: "GET", url, headers: { cookie } });

/** 120 customers' orders simulated from BG/NBD + Gamma-Gamma (in days), sent through the ingest API and loaded into the warehouse. */
async function seedOrders() {
  const ingest = (await createApiKey(t, ws, "ingest")).authorization;
  const sim = simulateClv({ bgNbd: { r: 0.8, alpha: 25, a: 0.6, b: 3 }, gammaGamma: { p: 4, q: 5, gamma: 200 }, customers: 120, minT: 60, maxT: 400, seed: 5 });
  const now = Date.now();
  const batch: unknown[] = [];
  for (const c of sim) {
    const first = now - c.T * DAY;
    c.purchases.forEach((p, i) =>
      batch.push({
        type: "track",
        messageId: `clv-${c.customerId}-${i}`,
        userId: `clv-member-${c.customerId}`,
        event: "Order Completed",
        timestamp: new Date(first + p.time * DAY).toISOString(),
        properties: { order_id: `clv-${c.customerId}-${i}`, total: Math.round(p.value * 100) / 100 },
      }),
    );
  }
  batch.push({ type: "identify", messageId: "clv-no-orders", userId: "clv-browser", traits: { name: "只逛不买" } });
  for (let i = 0; i < batch.length; i += 100) {
    const res = await t.app.inject({ method: "POST", url: "/v1/batch", headers: { authorization: ingest }, payload: { batch: batch.slice(i, i + 100) } });
    expect(res.statusCode, res.body).toBe(200);
  }
  while ((await t.services.projectNextBatch()) > 0);
  await drainWarehouse({ db: t.database.db, warehouse: t.warehouse });
  await refreshProfileSnapshot({ db: t.database.db, warehouse: t.warehouse, workspaceId: ws.workspaceId });
}

async function profileIdOf(userId: string): Promise<string> {
  const res = await get(`${base()}/customers?q=${userId}`);
  return res.json<{ items: { id: string }[] }>().items[0]!.id;
}

describe("CLV routes", () => {
  it("reports an unfitted model with the default settings", async () => {
    const res = await get(`${base()}/clv/model`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      status: "not_fitted",
      bgNbd: null,
      settings: { unit: "week", minCustomers: 200, minRepeatCustomers: 50, windowLowerQuantile: 0.25, windowUpperQuantile: 0.75, excludeRefundedOrders: true },
    });
  });

  it("refits on demand: too little data at the defaults, a model once the settings allow it", async () => {
    await seedOrders();
    const thin = await t.app.inject({ method: "POST", url: `${base()}/clv/refit`, headers: { cookie: ws.ownerCookie }, payload: {} });
    expect(thin.statusCode, thin.body).toBe(200);
    expect(thin.json()).toMatchObject({ status: "insufficient_data", customers: 120, scoredProfiles: 0 });
    expect(thin.json().message).toContain("the settings ask for at least 200");

    const put = await t.app.inject({ method: "PUT", url: `${base()}/clv/settings`, headers: { cookie: ws.ownerCookie }, payload: { minCustomers: 50, minRepeatCustomers: 20, unit: "day" } });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ minCustomers: 50, minRepeatCustomers: 20, unit: "day", windowLowerQuantile: 0.25 });

    const refit = await t.app.inject({ method: "POST", url: `${base()}/clv/refit`, headers: { cookie: ws.ownerCookie } });
    expect(refit.statusCode, refit.body).toBe(200);
    const model = refit.json();
    expect(model).toMatchObject({ status: "fitted", unit: "day", customers: 120, scoredProfiles: 120, message: null });
    for (const k of ["r", "alpha", "a", "b"]) expect(model.bgNbd[k]).toBeGreaterThan(0);
    for (const k of ["p", "q", "gamma"]) expect(model.gammaGamma[k]).toBeGreaterThan(0);
    expect((await get(`${base()}/clv/model`)).json()).toEqual(model);
  }, 60_000);

  it("serves a customer's prediction, and says when there is none", async () => {
    const res = await get(`${base()}/customers/${await profileIdOf("clv-member-1")}/clv`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ modelStatus: "fitted", currency: "CNY" });
    const p = body.prediction;
    expect(p.pAlive).toBeGreaterThan(0);
    expect(p.pAlive).toBeLessThanOrEqual(1);
    expect(p.expectedPurchases.d90).toBeLessThan(p.expectedPurchases.d365);
    expect(p.expectedValue.d365).toBeCloseTo(p.expectedPurchases.d365 * p.expectedOrderValue, 6);
    expect(Date.parse(p.nextPurchaseFrom)).toBeLessThan(Date.parse(p.nextPurchaseTo));

    const none = await get(`${base()}/customers/${await profileIdOf("clv-browser")}/clv`);
    expect(none.statusCode, none.body).toBe(200);
    expect(none.json()).toMatchObject({ modelStatus: "fitted", prediction: null });
  });

  it("lets analysts read but not refit or change settings, and names bad settings", async () => {
    const analyst = await addOperator(t, ws, "analyst");
    expect((await get(`${base()}/clv/model`, analyst.cookie)).statusCode).toBe(200);
    const refit = await t.app.inject({ method: "POST", url: `${base()}/clv/refit`, headers: { cookie: analyst.cookie }, payload: {} });
    expect(refit.statusCode).toBe(403);
    const put = await t.app.inject({ method: "PUT", url: `${base()}/clv/settings`, headers: { cookie: analyst.cookie }, payload: { unit: "week" } });
    expect(put.statusCode).toBe(403);

    const bad = await t.app.inject({ method: "PUT", url: `${base()}/clv/settings`, headers: { cookie: ws.ownerCookie }, payload: { unit: "month" } });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain("unit");
    const crossed = await t.app.inject({ method: "PUT", url: `${base()}/clv/settings`, headers: { cookie: ws.ownerCookie }, payload: { windowLowerQuantile: 0.9 } });
    expect(crossed.statusCode).toBe(400);
    expect(crossed.json().error.code).toBe("clv.invalid_settings");
  });
});
