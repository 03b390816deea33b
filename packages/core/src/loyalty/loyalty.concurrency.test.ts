import { sql } from "@siyu/storage/orm";
import { openTestDatabase, testServerUrl, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoreServices } from "../services";
import { systemClock } from "../shared/clock";
import { DomainError } from "../shared/domain-error";
import { newId } from "../shared/ids";
import { systemContext } from "../shared/context";
import { expectConsistent, loyaltyServices, newProfile, newWorkspace } from "./loyalty.test-helpers";
import { redeemCoupons } from "./coupons/coupons.redeem";
import { rows } from "./points/points.ledger";

/**
 * Real concurrency needs the PostgreSQL server (PGlite runs one statement at a time): `npm run test:pg`
 * sets DATABASE_URL_TEST, and CI's PostgreSQL step always does (it fails when the server is missing).
 */
const server = testServerUrl();
if (!server) console.log("SKIPPED loyalty concurrency tests: no PostgreSQL server (DATABASE_URL_TEST is unset; run `npm run test:pg -- packages/core/src/loyalty`)");

let database: TestDatabase;
let services: CoreServices;

describe.skipIf(!server)("loyalty under concurrency (postgres)", () => {
  beforeAll(async () => {
    database = await openTestDatabase();
    services = loyaltyServices(database.db, systemClock);
  });
  afterAll(async () => {
    await database?.close();
  });

  async function codesOf(results: PromiseSettledResult<unknown>[]) {
    const counts: Record<string, number> = {};
    for (const r of results) {
      const key = r.status === "fulfilled" ? "ok" : r.reason instanceof DomainError ? r.reason.code : String(r.reason);
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  it("1,000 concurrent claims of a coupon with stock 100 issue exactly 100", { timeout: 120_000 }, async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const template = await services.coupons.createTemplate(ctx, { name: "Flash", kind: "fixed", amountMinor: 500, validity: { kind: "relative", days: 7 }, totalStock: 100 });
    const ids = Array.from({ length: 1000 }, () => newId());
    await database.db.execute(sql`insert into profiles (id, workspace_id, created_at, updated_at)
      select unnest(${`{${ids.join(",")}}`}::uuid[]), ${ws}::uuid, now(), now()`);
    const results = await Promise.allSettled(ids.map((id) => services.coupons.claim(ctx, template.id, id)));
    expect(await codesOf(results)).toEqual({ ok: 100, "loyalty.out_of_stock": 900 });
    const [counted] = await rows<{ n: number; holders: number }>(
      database.db,
      sql`select count(*)::int as n, count(distinct profile_id)::int as holders from coupons where template_id = ${template.id}::uuid`,
    );
    expect(counted).toEqual({ n: 100, holders: 100 });
    expect((await services.coupons.getTemplate(ctx, template.id)).issuedCount).toBe(100);
  });

  it("a member's limit holds under 50 concurrent claims, and a replayed issue key issues one coupon", { timeout: 60_000 }, async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const template = await services.coupons.createTemplate(ctx, { name: "One each", kind: "percent", percentOff: 10, validity: { kind: "relative", days: 7 }, perMemberLimit: 1 });
    const p = await newProfile(database.db, ws);
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => services.coupons.claim(ctx, template.id, p)));
    expect(await codesOf(results)).toEqual({ ok: 1, "loyalty.limit_reached": 49 });

    const unlimited = await services.coupons.createTemplate(ctx, { name: "Keyed", kind: "fixed", amountMinor: 100, validity: { kind: "relative", days: 7 }, perMemberLimit: null });
    const replays = await Promise.allSettled(Array.from({ length: 50 }, () => services.coupons.claim(ctx, unlimited.id, p, "issue-once")));
    expect(await codesOf(replays)).toEqual({ ok: 50 });
    const codes = new Set(replays.map((r) => (r as PromiseFulfilledResult<{ coupon: { code: string } }>).value.coupon.code));
    expect(codes.size).toBe(1);
  });

  it("a coupon is redeemed once: 100 concurrent redemptions for different orders → 1, replays of its order → the first result", { timeout: 60_000 }, async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const p = await newProfile(database.db, ws);
    const template = await services.coupons.createTemplate(ctx, { name: "Once", kind: "fixed", amountMinor: 300, validity: { kind: "relative", days: 7 } });
    const { coupon } = await services.coupons.claim(ctx, template.id, p);
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) => services.coupons.redeem(ctx, { code: coupon.code, orderId: `order-${i % 2 === 0 ? "same" : i}`, orderTotalMinor: 1000 })),
    );
    const ok = results.filter((r) => r.status === "fulfilled").map((r) => (r as PromiseFulfilledResult<{ coupon: { orderId: string | null }; replayed: boolean }>).value);
    expect(new Set(ok.map((r) => r.coupon.orderId)).size).toBe(1);
    expect(ok.filter((r) => !r.replayed)).toHaveLength(1);
    const refused = await codesOf(results.filter((r) => r.status === "rejected"));
    expect(Object.keys(refused)).toEqual(["loyalty.coupon_already_redeemed"]);
  });

  it("an order takes one non-stackable coupon however many transactions race to put one on it", { timeout: 60_000 }, async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const p = await newProfile(database.db, ws);
    const template = await services.coupons.createTemplate(ctx, { name: "Alone", kind: "fixed", amountMinor: 200, validity: { kind: "relative", days: 7 }, stackable: false, perMemberLimit: null });
    const codes: string[] = [];
    for (let i = 0; i < 20; i++) codes.push((await services.coupons.claim(ctx, template.id, p, `alone-${i}`)).coupon.code);
    // Each request in a transaction of its own (not group-committed), on connections already open so they
    // overlap: only the order's lock keeps them apart.
    await Promise.all(codes.map(() => database.db.execute(sql`select pg_sleep(0.05)`)));
    const results = await Promise.allSettled(
      codes.map((code) => database.db.transaction((tx) => redeemCoupons(tx, { workspaceId: ws, codes: [code], orderId: "order-race", orderTotalMinor: 1000, storeId: null, lines: null, now: new Date() }))),
    );
    expect(await codesOf(results)).toEqual({ ok: 1, "loyalty.not_stackable": 19 });
    const [onOrder] = await rows<{ n: number }>(database.db, sql`select count(*)::int as n from coupons where workspace_id = ${ws}::uuid and order_id = 'order-race'`);
    expect(onOrder!.n).toBe(1);
  });

  it("200 concurrent exchanges of points for a coupon with stock 50: 50 coupons, 50 × the cost in points, nothing else", { timeout: 120_000 }, async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const p = await newProfile(database.db, ws);
    await services.points.adjust(ctx, p, { delta: 7000, reason: "seed", idempotencyKey: "seed" });
    const template = await services.coupons.createTemplate(ctx, { name: "For points", kind: "fixed", amountMinor: 500, validity: { kind: "relative", days: 7 }, totalStock: 50, perMemberLimit: null, pointsCost: 100 });
    const results = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => services.coupons.exchange(ctx, p, { templateId: template.id, idempotencyKey: `ex-${i}` })));
    expect(await codesOf(results)).toEqual({ ok: 50, "loyalty.out_of_stock": 150 });
    expect((await services.points.balance(ctx, p)).available).toBe(2000);
    expect((await services.coupons.listOfCustomer(ctx, p)).length).toBe(50);
    await expectConsistent(database.db, ws, p);
  });

  it("200 concurrent stored-value spends never overdraw, and every transaction balances", { timeout: 120_000 }, async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const p = await newProfile(database.db, ws);
    await services.storedValue.topUp(ctx, p, { amountMinor: 5_000, reference: "seed", idempotencyKey: "seed" });
    const results = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => services.storedValue.spend(ctx, p, { amountMinor: 37, orderId: `sv-${i}`, idempotencyKey: `sv-${i}` })));
    expect(await codesOf(results)).toEqual({ ok: 135, "loyalty.insufficient_balance": 65 });
    expect((await services.storedValue.balance(ctx, p)).totalMinor).toBe(5_000 - 135 * 37);
    const [check] = await rows<{ unbalanced: number; owed: number }>(
      database.db,
      sql`select (select count(*)::int from (select transaction_id from stored_value_postings where workspace_id = ${ws}::uuid group by transaction_id having sum(amount_minor) <> 0) u) as unbalanced,
                 (select -sum(amount_minor)::int from stored_value_postings where workspace_id = ${ws}::uuid and account in ('member_principal', 'member_bonus')) as owed`,
    );
    expect(check).toEqual({ unbalanced: 0, owed: 5_000 - 135 * 37 });
  });

  it("500 concurrent redemptions never overdraw one balance", { timeout: 120_000 }, async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const p = await newProfile(database.db, ws);
    await services.points.adjust(ctx, p, { delta: 6000, reason: "seed", idempotencyKey: "seed-1" });
    await services.points.adjust(ctx, p, { delta: 4000, reason: "seed", idempotencyKey: "seed-2" });
    const results = await Promise.allSettled(
      Array.from({ length: 500 }, (_, i) => services.points.redeem(ctx, p, { points: 37, reason: "race", idempotencyKey: `race-${i}` })),
    );
    // 10,000 / 37 = 270 fit, 10 points are left.
    expect(await codesOf(results)).toEqual({ ok: 270, "loyalty.insufficient_points": 230 });
    const state = await expectConsistent(database.db, ws, p);
    expect(state.available).toBe(10);
  });

  it("a redemption replayed 100 times at once with its idempotency key has one effect", { timeout: 60_000 }, async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const p = await newProfile(database.db, ws);
    await services.points.adjust(ctx, p, { delta: 1000, reason: "seed", idempotencyKey: "seed" });
    const results = await Promise.all(Array.from({ length: 100 }, () => services.points.redeem(ctx, p, { points: 300, reason: "once", idempotencyKey: "same-key" })));
    expect(new Set(results.map((r) => r.entry.id)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect((await services.points.balance(ctx, p)).available).toBe(700);
    await expectConsistent(database.db, ws, p);
  });

  it("concurrent redemptions, earns and expiry runs on one account keep it consistent", { timeout: 120_000 }, async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const p = await newProfile(database.db, ws);
    await services.points.adjust(ctx, p, { delta: 500, reason: "seed", idempotencyKey: "seed" });
    const work = Array.from({ length: 300 }, (_, i) =>
      i % 3 === 0
        ? services.points.adjust(ctx, p, { delta: 10, reason: "top up", idempotencyKey: `up-${i}` })
        : i % 3 === 1
          ? services.points.redeem(ctx, p, { points: 9, reason: "spend", idempotencyKey: `spend-${i}` })
          : services.points.runJobs(),
    );
    await Promise.allSettled(work);
    await expectConsistent(database.db, ws, p);
  });
});
