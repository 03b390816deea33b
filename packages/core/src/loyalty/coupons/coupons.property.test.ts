import fc from "fast-check";
import { sql } from "@siyu/storage/orm";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoreServices } from "../../services";
import { fixedClock } from "../../shared/clock";
import { systemContext } from "../../shared/context";
import { DomainError } from "../../shared/domain-error";
import { loyaltyServices, newProfile, newWorkspace } from "../loyalty.test-helpers";
import { rows } from "../points/points.ledger";

/**
 * A coupon's life against a model: random sequences of redemptions (one or two codes against one of a
 * few orders, unknown codes among them), full refunds that give an order's coupons back, days passing
 * and the expiry job. After every call the answer is the model's (ok, replay or the refusal's code) and
 * the coupons table holds the model's status and order for every coupon — so no coupon is ever redeemed
 * against a second order unless a refund gave it back first, an expired coupon is never redeemed, and a
 * refund after expiry leaves it expired. Time only moves forward, as it does for a brand.
 */

let database: TestDatabase;
let services: CoreServices;
const START = "2026-05-01T02:00:00Z";
const clock = fixedClock(START);
const DAY = 86_400_000;

beforeAll(async () => {
  database = await openTestDatabase();
  services = loyaltyServices(database.db, clock);
});
afterAll(async () => {
  await database?.close();
});

type Op =
  | { t: "redeem"; coupons: number[]; order: number }
  | { t: "refund"; order: number }
  | { t: "pause"; days: number; expiryJob: boolean };

// Seven codes (the last unknown), three orders: replays, refusals and shared orders are common.
const UNKNOWN = 6;
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ t: fc.constant("redeem" as const), coupons: fc.uniqueArray(fc.integer({ min: 0, max: UNKNOWN }), { minLength: 1, maxLength: 2 }), order: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("refund" as const), order: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("pause" as const), days: fc.integer({ min: 0, max: 6 }), expiryJob: fc.boolean() }) },
);

interface ModelCoupon {
  stackable: boolean;
  validUntil: number;
  status: "available" | "redeemed" | "expired";
  order: string | null;
}

/** What judgeRedemption decides, in the same order of checks, on the model's coupons. */
function modelRedeem(model: (ModelCoupon | null)[], requested: number[], order: string, now: number): string {
  const unknown = requested.filter((i) => model[i] === null);
  if (unknown.length > 0) return "loyalty.coupon_not_found";
  const fresh: ModelCoupon[] = [];
  for (const c of requested.map((i) => model[i]!)) {
    if (c.status === "redeemed") {
      if (c.order === order) continue;
      return "loyalty.coupon_already_redeemed";
    }
    if (c.status === "expired" || c.validUntil <= now) return "loyalty.coupon_expired";
    fresh.push(c);
  }
  if (fresh.length === 0) return "replay";
  const onOrder = model.filter((c): c is ModelCoupon => c !== null && c.status === "redeemed" && c.order === order);
  const exclusive = [...onOrder, ...fresh].filter((c) => !c.stackable);
  if (exclusive.length > 1) return "loyalty.not_stackable";
  for (const c of fresh) Object.assign(c, { status: "redeemed", order });
  return "ok";
}

async function run(ops: Op[]) {
  clock.set(START);
  const db = database.db;
  const ws = await newWorkspace(services, "Coupon lives");
  const ctx = systemContext(ws);
  const members = [await newProfile(db, ws), await newProfile(db, ws)];
  const short = await services.coupons.createTemplate(ctx, { name: "¥5, 4 days", kind: "fixed", amountMinor: 500, validity: { kind: "relative", days: 4 }, perMemberLimit: null });
  const long = await services.coupons.createTemplate(ctx, { name: "10 %, 12 days", kind: "percent", percentOff: 10, validity: { kind: "relative", days: 12 }, perMemberLimit: null, stackable: true });
  const codes: string[] = [];
  const model: (ModelCoupon | null)[] = [];
  for (const [t, m, stackable, days] of [[short, 0, false, 4], [short, 1, false, 4], [long, 0, true, 12], [long, 1, true, 12], [short, 0, false, 4], [long, 0, true, 12]] as const) {
    codes.push((await services.coupons.claim(ctx, t.id, members[m]!)).coupon.code);
    model.push({ stackable, validUntil: clock.now().getTime() + days * DAY, status: "available", order: null });
  }
  codes.push("NOSUCHCODE00");
  model.push(null);

  for (const o of ops) {
    const now = clock.now().getTime();
    if (o.t === "pause") {
      clock.advance(o.days * DAY);
      if (o.expiryJob) {
        await services.coupons.runExpiry();
        for (const c of model) if (c?.status === "available" && c.validUntil <= clock.now().getTime()) c.status = "expired";
      }
    } else if (o.t === "refund") {
      await services.coupons.restoreForOrder(ctx, `order-${o.order}`);
      for (const c of model) {
        if (c?.status === "redeemed" && c.order === `order-${o.order}`) Object.assign(c, { status: c.validUntil > now ? "available" : "expired", order: null });
      }
    } else {
      const order = `order-${o.order}`;
      const expected = modelRedeem(model, o.coupons, order, now);
      const said = await services.coupons.redeem(ctx, { codes: o.coupons.map((i) => codes[i]!), orderId: order, orderTotalMinor: 3_000 }).then(
        (r) => (r.replayed ? "replay" : "ok"),
        (e: unknown) => (e instanceof DomainError ? e.code : `unexpected: ${String(e)}`),
      );
      expect({ op: o, said }).toEqual({ op: o, said: expected });
    }
    const stored = await rows<{ code: string; status: string; order_id: string | null }>(db, sql`select code, status, order_id from coupons where workspace_id = ${ws}::uuid`);
    const byCode = new Map(stored.map((c) => [c.code, c]));
    expect(codes.slice(0, UNKNOWN).map((code) => byCode.get(code)).map((c) => `${c?.status} ${c?.order_id}`)).toEqual(
      model.slice(0, UNKNOWN).map((c) => `${c!.status} ${c!.order}`),
    );
  }
}

describe(`coupon lives against a model (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("redemptions, refunds, days passing and the expiry job: every answer and every coupon's status and order as the model says", { timeout: 300_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), (ops) => run(ops)),
      { numRuns: Number(process.env.SIYU_PROPERTY_RUNS ?? 40) },
    );
  });
});
