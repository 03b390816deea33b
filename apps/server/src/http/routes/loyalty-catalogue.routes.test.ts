import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addOperator, buildTestApp, createApiKey, createWorkspace, seedCustomers, type TestApp, type TestWorkspace } from "../../testing/test-app";

let t: TestApp;
let ws: TestWorkspace;
let profileId: string;
let base: string;
let n = 0;

beforeAll(async () => {
  t = await buildTestApp();
  ws = await createWorkspace(t, "Catalogue API brand");
  profileId = (await seedCustomers(t, ws, (await createApiKey(t, ws, "ingest")).authorization)).profileId;
  base = `/api/v1/workspaces/${ws.workspaceId}`;
});
afterAll(() => t.close());

function call(method: "GET" | "POST" | "PUT" | "DELETE", url: string, payload?: object, cookie = ws.ownerCookie) {
  return t.app.inject({ method, url: `${base}${url}`, headers: { cookie }, ...(payload ? { payload } : {}) });
}
const key = () => `c-${++n}`;
function expectError(res: { statusCode: number; body: string; json(): unknown }, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect((res.json() as { error: { code: string } }).error.code).toBe(code);
}

describe("catalogue and lottery API", () => {
  it("creates an item, redeems it (201, replay 200, conflict 409), lists, fulfils and cancels orders", async () => {
    await call("POST", `/customers/${profileId}/points/adjustments`, { delta: 1000, reason: "gift", idempotencyKey: key() });
    const created = await call("POST", "/catalogue/items", { kind: "goods", sku: "TOTE", name: "Tote bag", pointsCost: 300, stock: 2 });
    expect(created.statusCode, created.body).toBe(201);
    const itemId = created.json<{ id: string }>().id;
    const first = await call("POST", `/customers/${profileId}/catalogue-redemptions`, { itemId, idempotencyKey: "tote-1" });
    expect(first.statusCode, first.body).toBe(201);
    const order = first.json<{ redemption: { id: string; status: string } }>().redemption;
    expect(order.status).toBe("pending");
    expect((await call("POST", `/customers/${profileId}/catalogue-redemptions`, { itemId, idempotencyKey: "tote-1" })).statusCode).toBe(200);
    const other = await call("POST", "/catalogue/items", { kind: "goods", sku: "CUP", name: "Cup", pointsCost: 1, stock: 0 });
    const otherId = other.json<{ id: string }>().id;
    expectError(await call("POST", `/customers/${profileId}/catalogue-redemptions`, { itemId: otherId, idempotencyKey: "tote-1" }), 409, "loyalty.idempotency_conflict");
    expectError(await call("POST", `/customers/${profileId}/catalogue-redemptions`, { itemId: otherId, idempotencyKey: key() }), 409, "loyalty.out_of_stock");
    const second = await call("POST", `/customers/${profileId}/catalogue-redemptions`, { itemId, idempotencyKey: key() });
    expect(second.statusCode).toBe(201);
    expectError(await call("POST", `/customers/${profileId}/catalogue-redemptions`, { itemId, idempotencyKey: key() }), 409, "loyalty.out_of_stock");
    expect((await call("GET", `/catalogue/items/${itemId}`)).json()).toMatchObject({ stock: 0, redeemedCount: 2 });

    const listed = await call("GET", `/catalogue/redemptions?itemId=${itemId}&status=pending`);
    expect(listed.json<{ items: unknown[] }>().items).toHaveLength(2);
    const fulfilled = await call("POST", `/catalogue/redemptions/${order.id}/fulfilment`, { fulfilment: "shipped", note: "SF 1234" });
    expect(fulfilled.json()).toMatchObject({ status: "fulfilled", fulfilment: "shipped", note: "SF 1234" });
    expectError(await call("POST", `/catalogue/redemptions/${order.id}/cancellation`, { reason: "x" }), 409, "loyalty.redemption_closed");
    const secondId = second.json<{ redemption: { id: string } }>().redemption.id;
    expect((await call("POST", `/catalogue/redemptions/${secondId}/cancellation`, { reason: "member asked" })).json()).toMatchObject({ status: "cancelled" });
    expect((await call("GET", `/catalogue/items/${itemId}`)).json()).toMatchObject({ stock: 1, redeemedCount: 1 });
    expectError(await call("GET", `/catalogue/redemptions/${itemId}`), 404, "loyalty.redemption_not_found");
    const audit = await call("GET", "/audit-log?limit=5");
    expect(audit.json<{ items: { action: string }[] }>().items.map((i) => i.action)).toEqual(
      expect.arrayContaining(["loyalty.redemption_cancelled", "loyalty.redemption_fulfilled", "loyalty.catalogue_item_created"]),
    );
  });

  it("answers bad input with 400 naming the field, too few points with 422, and keeps analysts read-only", async () => {
    const bad = await call("POST", "/catalogue/items", { kind: "goods", name: "No sku", pointsCost: -5 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { details: { path: string }[] } }>().error.details.map((d) => d.path)).toEqual(expect.arrayContaining(["body.pointsCost"]));
    const noSku = await call("POST", "/catalogue/items", { kind: "goods", name: "No sku", pointsCost: 5 });
    expect(noSku.json<{ error: { details: { path: string }[] } }>().error.details.map((d) => d.path)).toEqual(["body.sku"]);
    const dear = await call("POST", "/catalogue/items", { kind: "goods", sku: "GOLD", name: "Gold tin", pointsCost: 99_999_999 });
    expectError(await call("POST", `/customers/${profileId}/catalogue-redemptions`, { itemId: dear.json<{ id: string }>().id, idempotencyKey: key() }), 422, "loyalty.insufficient_points");
    expectError(await call("POST", `/customers/${profileId}/catalogue-redemptions`, { itemId: profileId, idempotencyKey: key() }), 404, "loyalty.item_not_found");
    const badPrize = await call("POST", "/lotteries", { name: "L", pointsCost: 0, prizes: [{ name: "P", kind: "points", weight: 1 }] });
    expect(badPrize.statusCode).toBe(400);
    expect(badPrize.json<{ error: { details: { path: string }[] } }>().error.details.map((d) => d.path)).toEqual(["body.prizes.0.points"]);
    const analyst = await addOperator(t, ws, "analyst");
    expect((await call("GET", "/catalogue/items", undefined, analyst.cookie)).statusCode).toBe(200);
    expectError(await call("POST", "/catalogue/items", { kind: "goods", sku: "X", name: "X", pointsCost: 1 }, analyst.cookie), 403, "auth.forbidden");
  });

  it("runs a lottery: create, draw (201, replay 200), stats, draws list, limits, edit and archive", async () => {
    await call("POST", `/customers/${profileId}/points/adjustments`, { delta: 100, reason: "gift", idempotencyKey: key() });
    const created = await call("POST", "/lotteries", {
      name: "Spring",
      pointsCost: 10,
      perMemberDailyLimit: 2,
      prizes: [
        { name: "20 points", kind: "points", points: 20, weight: 1, stock: 1 },
        { name: "Thanks", kind: "none", weight: 1 },
      ],
    });
    expect(created.statusCode, created.body).toBe(201);
    const campaign = created.json<{ id: string; prizes: { id: string }[] }>();
    const draw = await call("POST", `/customers/${profileId}/lottery-draws`, { campaignId: campaign.id, idempotencyKey: "spin-1" });
    expect(draw.statusCode, draw.body).toBe(201);
    expect((await call("POST", `/customers/${profileId}/lottery-draws`, { campaignId: campaign.id, idempotencyKey: "spin-1" })).statusCode).toBe(200);
    expect((await call("POST", `/customers/${profileId}/lottery-draws`, { campaignId: campaign.id, idempotencyKey: key() })).statusCode).toBe(201);
    expectError(await call("POST", `/customers/${profileId}/lottery-draws`, { campaignId: campaign.id, idempotencyKey: key() }), 409, "loyalty.limit_reached");
    const stats = await call("GET", `/lotteries/${campaign.id}/stats`);
    expect(stats.json()).toMatchObject({ draws: 2, members: 1, pointsSpent: 20 });
    expect((await call("GET", `/lotteries/${campaign.id}/draws?limit=10`)).json<{ items: unknown[] }>().items).toHaveLength(2);
    const edited = await call("PUT", `/lotteries/${campaign.id}`, { name: "Spring 2", pointsCost: 5, prizes: [{ id: campaign.prizes[1]!.id, name: "Thanks", kind: "none", weight: 1 }] });
    expect(edited.json()).toMatchObject({ name: "Spring 2", pointsCost: 5, prizes: [{ id: campaign.prizes[1]!.id }] });
    expect((await call("DELETE", `/lotteries/${campaign.id}`)).statusCode).toBe(204);
    expectError(await call("GET", `/lotteries/${campaign.id}`), 404, "loyalty.campaign_not_found");
    expectError(await call("POST", `/customers/${profileId}/lottery-draws`, { campaignId: campaign.id, idempotencyKey: key() }), 404, "loyalty.campaign_not_found");
  });
});
