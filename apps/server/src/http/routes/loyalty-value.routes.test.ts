import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addOperator, buildTestApp, createApiKey, createWorkspace, seedCustomers, type TestApp, type TestWorkspace } from "../../testing/test-app";

let t: TestApp;
let ws: TestWorkspace;
let seeded: Awaited<ReturnType<typeof seedCustomers>>;
let base: string;
let n = 0;

beforeAll(async () => {
  t = await buildTestApp();
  ws = await createWorkspace(t, "Cards API brand");
  seeded = await seedCustomers(t, ws, (await createApiKey(t, ws, "ingest")).authorization);
  base = `/api/v1/workspaces/${ws.workspaceId}`;
});
afterAll(() => t.close());

function call(method: "GET" | "POST" | "PUT" | "DELETE", url: string, payload?: object, cookie = ws.ownerCookie) {
  return t.app.inject({ method, url: `${base}${url}`, headers: { cookie }, ...(payload ? { payload } : {}) });
}
const key = () => `v-${++n}`;
function expectError(res: { statusCode: number; body: string; json(): unknown }, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect((res.json() as { error: { code: string } }).error.code).toBe(code);
}

describe("stored value, cards and liability API", () => {
  it("refunds part of a spend and a top-up, with 4xx codes for the rest", async () => {
    const p = seeded.profileId;
    expect((await call("POST", `/customers/${p}/stored-value/spends`, { amountMinor: 4_000, orderId: "V-1", idempotencyKey: key() })).statusCode).toBe(201);
    const part = await call("POST", `/customers/${p}/stored-value/refunds`, { orderId: "V-1", amountMinor: 1_000, idempotencyKey: "v-part" });
    expect(part.statusCode, part.body).toBe(201);
    expect((await call("POST", `/customers/${p}/stored-value/refunds`, { orderId: "V-1", amountMinor: 1_000, idempotencyKey: "v-part" })).statusCode).toBe(200);
    expectError(await call("POST", `/customers/${p}/stored-value/refunds`, { orderId: "V-1", amountMinor: 3_001, idempotencyKey: key() }), 422, "loyalty.refund_exceeds_spend");
    expectError(await call("POST", `/customers/${p}/stored-value/refunds`, { orderId: "V-1", amountMinor: 0, idempotencyKey: key() }), 400, "request.invalid");
    const out = await call("POST", `/customers/${p}/stored-value/top-ups/${seeded.topupId}/refund`, { reason: "moving away", idempotencyKey: "v-out" });
    expect(out.statusCode, out.body).toBe(201);
    // 10,000 topped up, 4,000 spent, 1,000 of it refunded: 7,000 of the top-up's principal is paid out.
    expect(out.json()).toMatchObject({ transaction: { kind: "topup_refund", principalMinor: 7_000 }, balance: { principalMinor: 0 } });
    expectError(await call("POST", `/customers/${p}/stored-value/top-ups/${seeded.topupId}/refund`, { reason: "again", idempotencyKey: key() }), 409, "loyalty.not_reversible");
    expectError(await call("POST", `/customers/${p}/stored-value/top-ups/${seeded.orderId}/refund`, { reason: "x", idempotencyKey: key() }), 400, "request.invalid");
  });

  it("sells and uses cards with specific codes, and voids them", async () => {
    const p = seeded.profileId;
    const product = await call("POST", "/card-products", { name: "3 次卡", kind: "times", uses: 3, validityDays: 30, priceMinor: 900, storeIds: ["SH-01"] });
    expect(product.statusCode, product.body).toBe(201);
    const productId = product.json<{ id: string }>().id;
    expectError(await call("POST", "/card-products", { name: "bad", kind: "annual", uses: 3, validityDays: 30, priceMinor: 1 }), 400, "request.invalid");
    expectError(await call("POST", `/customers/${p}/cards`, { productId, payWithStoredValue: true, idempotencyKey: key() }), 422, "loyalty.insufficient_balance");
    const sold = await call("POST", `/customers/${p}/cards`, { productId, idempotencyKey: "v-card" });
    expect(sold.statusCode, sold.body).toBe(201);
    const cardId = sold.json<{ card: { id: string } }>().card.id;
    expect((await call("POST", `/customers/${p}/cards`, { productId, idempotencyKey: "v-card" })).statusCode).toBe(200);
    expectError(await call("POST", `/member-cards/${cardId}/uses`, { storeId: "BJ-01", idempotencyKey: key() }), 422, "loyalty.wrong_store");
    for (let i = 0; i < 3; i++) expect((await call("POST", `/member-cards/${cardId}/uses`, { storeId: "SH-01", idempotencyKey: key() })).statusCode).toBe(201);
    expectError(await call("POST", `/member-cards/${cardId}/uses`, { storeId: "SH-01", idempotencyKey: key() }), 422, "loyalty.card_used_up");
    expectError(await call("POST", `/member-cards/${seeded.productId}/uses`, { idempotencyKey: key() }), 404, "loyalty.card_not_found");
    const cards = await call("GET", `/customers/${p}/cards`);
    expect(cards.json<{ items: { id: string; usesRemaining: number | null }[] }>().items.find((c) => c.id === cardId)).toMatchObject({ usesRemaining: 0 });
    expect((await call("GET", `/member-cards/${cardId}/entries`)).json<{ items: unknown[] }>().items).toHaveLength(4);
    const voided = await call("POST", `/member-cards/${seeded.cardId}/void`, { reason: "refund", idempotencyKey: key() });
    expect(voided.json()).toMatchObject({ card: { status: "voided" }, refundableMinor: 30_000, storedValueTransaction: null });
    expect((await call("DELETE", `/card-products/${productId}`)).statusCode).toBe(204);
    expectError(await call("POST", `/customers/${p}/cards`, { productId, idempotencyKey: key() }), 404, "loyalty.card_product_not_found");
  });

  it("reports the liability as JSON and CSV, and the expiry forecast; an analyst reads but does not change", async () => {
    const report = await call("GET", "/loyalty/liability");
    expect(report.statusCode, report.body).toBe(200);
    expect(report.json()).toMatchObject({ currency: "CNY", pointValueMinor: 1, totals: { pointsAvailable: 90 } });
    expectError(await call("GET", "/loyalty/liability?asOf=yesterday"), 400, "request.invalid");
    const csv = await call("GET", "/loyalty/liability/export.csv?asOf=2030-01-01T00:00:00Z");
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toContain("text/csv");
    expect(csv.body.split("\n")[1]).toMatch(/^2030-01-01T00:00:00.000Z,\(all\),90,/);
    const forecast = await call("GET", "/loyalty/points-expiry-forecast");
    expect(forecast.json<{ months: unknown[] }>().months).toHaveLength(12);
    const analyst = await addOperator(t, ws, "analyst");
    expect((await call("GET", "/loyalty/liability", undefined, analyst.cookie)).statusCode).toBe(200);
    expectError(await call("POST", "/card-products", { name: "x", kind: "annual", validityDays: 1, priceMinor: 1 }, analyst.cookie), 403, "auth.forbidden");
  });
});
