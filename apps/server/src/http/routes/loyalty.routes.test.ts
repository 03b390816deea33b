import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addOperator, buildTestApp, createApiKey, createWorkspace, seedCustomers, type TestApp, type TestWorkspace } from "../../testing/test-app";

let t: TestApp;
let ws: TestWorkspace;
let profileId: string;
let base: string;
let n = 0;

beforeAll(async () => {
  t = await buildTestApp();
  ws = await createWorkspace(t, "Loyalty API brand");
  profileId = (await seedCustomers(t, ws, (await createApiKey(t, ws, "ingest")).authorization)).profileId;
  base = `/api/v1/workspaces/${ws.workspaceId}`;
});
afterAll(() => t.close());

function call(method: "GET" | "POST" | "PUT" | "DELETE", url: string, payload?: object, cookie = ws.ownerCookie) {
  return t.app.inject({ method, url: `${base}${url}`, headers: { cookie }, ...(payload ? { payload } : {}) });
}
const key = () => `k-${++n}`;
async function template(body: Record<string, unknown>) {
  const res = await call("POST", "/coupon-templates", { name: "T", kind: "fixed", amountMinor: 500, validity: { kind: "relative", days: 30 }, ...body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string }>().id;
}
async function claim(templateId: string, issueKey = key()) {
  const res = await call("POST", `/coupon-templates/${templateId}/issues`, { profileIds: [profileId], idempotencyKey: issueKey });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ items: { coupon: { code: string } | null; error: { code: string } | null }[] }>().items[0]!;
}
function expectError(res: { statusCode: number; body: string; json(): unknown }, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect((res.json() as { error: { code: string } }).error.code).toBe(code);
}

describe("loyalty API", () => {
  it("adjusts, redeems and shows balance and history; a replay answers 200 with the first result", async () => {
    const first = await call("POST", `/customers/${profileId}/points/adjustments`, { delta: 500, reason: "welcome gift", idempotencyKey: "welcome" });
    expect(first.statusCode, first.body).toBe(201);
    const replay = await call("POST", `/customers/${profileId}/points/adjustments`, { delta: 500, reason: "welcome gift", idempotencyKey: "welcome" });
    expect(replay.statusCode).toBe(200);
    expect(replay.json<{ entry: { id: string } }>().entry.id).toBe(first.json<{ entry: { id: string } }>().entry.id);
    const spend = await call("POST", `/customers/${profileId}/points/redemptions`, { points: 120, reason: "tea voucher", idempotencyKey: key() });
    expect(spend.statusCode).toBe(201);
    const balance = await call("GET", `/customers/${profileId}/points`);
    // seedCustomers left 90 points.
    expect(balance.json()).toMatchObject({ available: 470, pending: 0 });
    const history = await call("GET", `/customers/${profileId}/points/entries?limit=2`);
    expect(history.json<{ items: { kind: string; delta: number }[]; nextCursor: string | null }>()).toMatchObject({
      items: [
        { kind: "redeem", delta: -120 },
        { kind: "adjust", delta: 500 },
      ],
    });
    const undo = await call("POST", `/points/entries/${spend.json<{ entry: { id: string } }>().entry.id}/reversal`, { reason: "voucher cancelled", idempotencyKey: key() });
    expect(undo.statusCode, undo.body).toBe(201);
    expect(undo.json<{ balance: { available: number } }>().balance.available).toBe(590);
  });

  it("answers bad points requests with 4xx codes naming the problem", async () => {
    const negative = await call("POST", `/customers/${profileId}/points/redemptions`, { points: -5, reason: "x", idempotencyKey: key() });
    expectError(negative, 400, "request.invalid");
    expect(negative.json<{ error: { details: { path: string }[] } }>().error.details[0]!.path).toBe("body.points");
    expectError(await call("POST", `/customers/${profileId}/points/adjustments`, { delta: 0, reason: "x", idempotencyKey: key() }), 400, "request.invalid");
    expectError(await call("POST", `/customers/${profileId}/points/adjustments`, { delta: 5, reason: "", idempotencyKey: key() }), 400, "request.invalid");
    expectError(await call("POST", `/customers/${profileId}/points/redemptions`, { points: 1_000_000, reason: "x", idempotencyKey: key() }), 422, "loyalty.insufficient_points");
    expectError(await call("GET", `/customers/0190a000-0000-7000-8000-00000000dead/points`), 404, "profiles.not_found");
    expectError(await call("POST", `/customers/0190a000-0000-7000-8000-00000000dead/points/adjustments`, { delta: 5, reason: "x", idempotencyKey: key() }), 404, "profiles.not_found");
    await call("POST", `/customers/${profileId}/points/redemptions`, { points: 1, reason: "x", idempotencyKey: "once" });
    expectError(await call("POST", `/customers/${profileId}/points/redemptions`, { points: 2, reason: "x", idempotencyKey: "once" }), 409, "loyalty.idempotency_conflict");
    expectError(await call("POST", `/points/entries/0190a000-0000-7000-8000-00000000dead/reversal`, { reason: "x", idempotencyKey: key() }), 404, "loyalty.entry_not_found");
  });

  it("validates settings and templates with the field named", async () => {
    const bad = await call("PUT", "/loyalty/settings", { points: { pendingDays: -1 } });
    expectError(bad, 400, "request.invalid");
    expect(bad.json<{ error: { details: { path: string }[] } }>().error.details[0]!.path).toBe("body.points.pendingDays");
    const put = await call("PUT", "/loyalty/settings", { points: { expiry: { mode: "fixed", yearsAfter: 1, month: 12, day: 31 } }, earn: { storeMultipliers: { "SH-01": 2 } } });
    expect(put.statusCode, put.body).toBe(200);
    expect((await call("GET", "/loyalty/settings")).json()).toMatchObject({ points: { pendingDays: 7, expiry: { mode: "fixed" } }, earn: { storeMultipliers: { "SH-01": 2 } } });
    const noAmount = await call("POST", "/coupon-templates", { name: "T", kind: "fixed", validity: { kind: "relative", days: 3 } });
    expectError(noAmount, 400, "request.invalid");
    expect(noAmount.json<{ error: { details: { path: string }[] } }>().error.details[0]!.path).toBe("body.amountMinor");
    const backwards = await call("POST", "/coupon-templates", { name: "T", kind: "percent", percentOff: 10, validity: { kind: "fixed", from: "2026-02-01T00:00:00Z", until: "2026-01-01T00:00:00Z" } });
    expectError(backwards, 400, "request.invalid");
    expectError(await call("GET", "/coupon-templates/0190a000-0000-7000-8000-00000000dead"), 404, "loyalty.template_not_found");
  });

  it("issues, lists and redeems coupons once per order, with specific codes for each refusal", async () => {
    const id = await template({ kind: "threshold", amountMinor: 2000, thresholdMinor: 10000, storeIds: ["SH-01"], perMemberLimit: 2, totalStock: 3 });
    const issued = await claim(id, "issue-a");
    expect(issued.coupon!.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{16}$/);
    // The same key issues nothing new.
    expect((await claim(id, "issue-a")).coupon!.code).toBe(issued.coupon!.code);
    await claim(id);
    expect((await claim(id)).error!.code).toBe("loyalty.limit_reached");
    const mine = await call("GET", `/customers/${profileId}/coupons`);
    expect(mine.json<{ items: unknown[] }>().items.length).toBeGreaterThanOrEqual(2);

    const code = issued.coupon!.code;
    expectError(await call("POST", "/coupons/redemptions", { code, orderId: "POS-9", orderTotalMinor: 12000, storeId: "BJ-02" }), 422, "loyalty.wrong_store");
    expectError(await call("POST", "/coupons/redemptions", { code, orderId: "POS-9", orderTotalMinor: 9999, storeId: "SH-01" }), 422, "loyalty.threshold_not_met");
    expectError(await call("POST", "/coupons/redemptions", { code: "ZZZZZZZZZZZZZZZZ", orderId: "POS-9", orderTotalMinor: 12000, storeId: "SH-01" }), 404, "loyalty.coupon_not_found");
    const ok = await call("POST", "/coupons/redemptions", { code: code.toLowerCase(), orderId: "POS-9", orderTotalMinor: 12000, storeId: "SH-01" });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ coupon: { status: "redeemed", discountMinor: 2000, orderId: "POS-9" }, replayed: false });
    const again = await call("POST", "/coupons/redemptions", { code, orderId: "POS-9", orderTotalMinor: 12000, storeId: "SH-01" });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ replayed: true });
    expectError(await call("POST", "/coupons/redemptions", { code, orderId: "POS-10", orderTotalMinor: 12000, storeId: "SH-01" }), 409, "loyalty.coupon_already_redeemed");
    const restored = await call("POST", "/coupons/restorations", { orderId: "POS-9" });
    expect(restored.json<{ items: { status: string }[] }>().items).toMatchObject([{ status: "available" }]);
  });

  it("redeems several codes on one order by the stacking rules and scoped coupons on eligible lines, with 4xx codes", async () => {
    const lines = [
      { sku: "TEA-1", category: "tea", priceMinor: 3000, quantity: 2 },
      { sku: "CAKE-1", category: "bakery", priceMinor: 2000, quantity: 1 },
    ];
    const tea = (await claim(await template({ kind: "percent", percentOff: 50, productScope: { includeCategories: ["tea"] }, stackable: true }))).coupon!.code;
    const off = (await claim(await template({ kind: "fixed", amountMinor: 1000 }))).coupon!.code;
    const other = (await claim(await template({ kind: "fixed", amountMinor: 300 }))).coupon!.code;
    expectError(await call("POST", "/coupons/redemptions", { code: tea, orderId: "MIX-0", lines: lines.slice(1) }), 422, "loyalty.not_applicable");
    expectError(await call("POST", "/coupons/redemptions", { codes: [off, other], orderId: "MIX-1", lines }), 409, "loyalty.not_stackable");
    expectError(await call("POST", "/coupons/redemptions", { code: off, codes: [other], orderId: "MIX-1", lines }), 400, "request.invalid");
    expectError(await call("POST", "/coupons/redemptions", { code: off, orderId: "MIX-1" }), 400, "request.invalid");
    // ¥10 off the 8,000 first (taken from the lines in proportion), then half of what is left of the tea.
    const both = await call("POST", "/coupons/redemptions", { codes: [tea, off], orderId: "MIX-1", lines });
    expect(both.statusCode, both.body).toBe(201);
    expect(both.json()).toMatchObject({ discountMinor: 1000 + 2625, coupons: [{ code: off, discountMinor: 1000 }, { code: tea, discountMinor: 2625 }] });
    expectError(await call("POST", "/coupons/redemptions", { code: other, orderId: "MIX-1", lines }), 409, "loyalty.not_stackable");
  });

  it("issues to a segment's members in the background; an unknown segment is 404", async () => {
    const segment = await call("POST", "/segments", { name: "Buyers", rule: { type: "trait", trait: "order_count", op: "gte", value: 1 } });
    expect(segment.statusCode, segment.body).toBe(201);
    const { id: segmentId, size } = segment.json<{ id: string; size: number }>();
    expect(size).toBeGreaterThan(0);
    const id = await template({ perMemberLimit: null });
    const job = await call("POST", `/coupon-templates/${id}/issue-jobs`, { segmentId, idempotencyKey: key() });
    expect(job.statusCode, job.body).toBe(202);
    expect(job.json()).toMatchObject({ source: "segment", segmentId, total: size, status: "running" });
    while ((await t.services.coupons.runIssueBatch()) > 0);
    const done = await call("GET", `/coupon-issue-jobs/${job.json<{ id: string }>().id}`);
    expect(done.json()).toMatchObject({ status: "done", issued: size });
    expectError(await call("POST", `/coupon-templates/${id}/issue-jobs`, { segmentId: "0190a000-0000-7000-8000-00000000dead", idempotencyKey: key() }), 404, "segments.not_found");
    expectError(await call("POST", `/coupon-templates/${id}/issue-jobs`, { segmentId, profileIds: [profileId], idempotencyKey: key() }), 400, "request.invalid");
  });

  it("refuses out of stock, expired and not-yet-valid coupons, and issues to unknown customers per item", async () => {
    const scarce = await template({ totalStock: 1, perMemberLimit: null });
    await claim(scarce);
    expect((await claim(scarce)).error!.code).toBe("loyalty.out_of_stock");
    const update = await call("PUT", `/coupon-templates/${scarce}`, { name: "T", kind: "fixed", amountMinor: 500, validity: { kind: "relative", days: 30 }, totalStock: 0 });
    expectError(update, 409, "loyalty.out_of_stock");

    const over = await template({ validity: { kind: "fixed", from: "2020-01-01T00:00:00Z", until: "2020-02-01T00:00:00Z" } });
    expect((await claim(over)).error!.code).toBe("loyalty.coupon_expired");
    const later = await template({ validity: { kind: "fixed", from: "2099-01-01T00:00:00Z", until: "2099-02-01T00:00:00Z" } });
    const future = await claim(later);
    expectError(await call("POST", "/coupons/redemptions", { code: future.coupon!.code, orderId: "POS-F", orderTotalMinor: 100 }), 422, "loyalty.coupon_not_yet_valid");

    const unknown = await call("POST", `/coupon-templates/${scarce}/issues`, { profileIds: ["0190a000-0000-7000-8000-00000000dead"], idempotencyKey: key() });
    expect(unknown.json<{ items: { error: { code: string } }[] }>().items[0]!.error.code).toBe("profiles.not_found");

    expect((await call("DELETE", `/coupon-templates/${later}`)).statusCode).toBe(204);
    expect((await call("GET", "/coupon-templates")).json<{ items: { id: string }[] }>().items.map((i) => i.id)).not.toContain(later);
    expect((await claim(later)).error!.code).toBe("loyalty.template_inactive");
  });

  it("exchanges points for a coupon over HTTP, 201 then 200 on replay, 422 when short", async () => {
    const id = await template({ pointsCost: 50, perMemberLimit: null });
    await call("POST", `/customers/${profileId}/points/adjustments`, { delta: 60, reason: "for exchange", idempotencyKey: key() });
    const first = await call("POST", `/customers/${profileId}/points/exchanges`, { templateId: id, idempotencyKey: "ex-1" });
    expect(first.statusCode, first.body).toBe(201);
    expect((await call("POST", `/customers/${profileId}/points/exchanges`, { templateId: id, idempotencyKey: "ex-1" })).statusCode).toBe(200);
    const balance = (await call("GET", `/customers/${profileId}/points`)).json<{ available: number }>().available;
    const short = await call("POST", `/customers/${profileId}/points/exchanges`, { templateId: await template({ pointsCost: balance + 1 }), idempotencyKey: key() });
    expectError(short, 422, "loyalty.insufficient_points");
    expectError(await call("POST", `/customers/${profileId}/points/exchanges`, { templateId: await template({}), idempotencyKey: key() }), 422, "loyalty.not_exchangeable");
  });

  it("shows a customer's tier and progress, validates tier rules, recalculates on demand", async () => {
    const tier = await call("GET", `/customers/${profileId}/tier`);
    expect(tier.statusCode, tier.body).toBe(200);
    expect(tier.json()).toMatchObject({ tier: { code: "bronze" }, next: { code: "silver" } });
    const bad = await call("PUT", "/loyalty/settings", { tiers: { levels: [{ code: "gold", name: "Gold", threshold: 5 }] } });
    expectError(bad, 400, "request.invalid");
    expect(bad.json<{ error: { details: { path: string }[] } }>().error.details[0]!.path).toBe("body.tiers.levels.0.threshold");
    const recalc = await call("POST", "/loyalty/tiers/recalculation", {});
    expect(recalc.statusCode, recalc.body).toBe(200);
  });

  it("tops up, spends and refunds stored value with 4xx codes for bad requests", async () => {
    expect((await call("POST", `/customers/${profileId}/stored-value/top-ups`, { amountMinor: 5000, reference: "wx-9", idempotencyKey: "sv-t" })).statusCode).toBe(201);
    expect((await call("POST", `/customers/${profileId}/stored-value/top-ups`, { amountMinor: 5000, reference: "wx-9", idempotencyKey: "sv-t" })).statusCode).toBe(200);
    expectError(await call("POST", `/customers/${profileId}/stored-value/spends`, { amountMinor: -1, orderId: "SV-1", idempotencyKey: key() }), 400, "request.invalid");
    expectError(await call("POST", `/customers/${profileId}/stored-value/spends`, { amountMinor: 15001, orderId: "SV-1", idempotencyKey: key() }), 422, "loyalty.insufficient_balance");
    expect((await call("POST", `/customers/${profileId}/stored-value/spends`, { amountMinor: 1200, orderId: "SV-1", idempotencyKey: key() })).statusCode).toBe(201);
    expectError(await call("POST", `/customers/${profileId}/stored-value/refunds`, { orderId: "SV-404", idempotencyKey: key() }), 404, "loyalty.spend_not_found");
    expect((await call("POST", `/customers/${profileId}/stored-value/refunds`, { orderId: "SV-1", idempotencyKey: key() })).statusCode).toBe(201);
    expect((await call("GET", `/customers/${profileId}/stored-value`)).json()).toMatchObject({ principalMinor: 15000, bonusMinor: 0 });
    // seedCustomers topped up 10,000 first.
    expect((await call("GET", `/customers/${profileId}/stored-value/transactions`)).json<{ items: unknown[] }>().items).toHaveLength(4);
  });

  it("lets an analyst read but not change loyalty", async () => {
    const analyst = await addOperator(t, ws, "analyst");
    expect((await call("GET", `/customers/${profileId}/points`, undefined, analyst.cookie)).statusCode).toBe(200);
    expectError(await call("POST", `/customers/${profileId}/points/adjustments`, { delta: 5, reason: "x", idempotencyKey: key() }, analyst.cookie), 403, "auth.forbidden");
  });
});
