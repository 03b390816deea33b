import fc from "fast-check";
import { sql } from "@siyu/storage/orm";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoreServices } from "../services";
import { fixedClock } from "../shared/clock";
import { systemContext } from "../shared/context";
import { DomainError } from "../shared/domain-error";
import { createGroupCommitter, type GroupWork } from "../shared/group-commit";
import { newId } from "../shared/ids";
import { redemptionGroupWork, type RedeemCouponsInput, type RedeemedCoupons } from "./coupons/coupons.redeem";
import { expectConsistent, loyaltyServices, newProfile, newWorkspace } from "./loyalty.test-helpers";
import { rows } from "./points/points.ledger";
import { pointsGroupWork, type PointsCall } from "./points/points.group";

/**
 * Group commit changes nothing but the number of transactions: random sequences of awards, adjustments
 * (±), point redemptions and coupon redemptions, sent concurrently with random pauses between them (so
 * batches form differently every time, up to a random maxBatch), end with the same answers, balances,
 * ledger, buckets and coupons as the same sequence run one call per transaction (the path before
 * grouping). Run once with the set-based batch and once with a batch that always throws (the fallback:
 * a savepoint per call). Time passes between phases, so deductions expire due points first.
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
  | { t: "award"; m: number; points: number; key: number }
  | { t: "adjust"; m: number; delta: number; key: number }
  | { t: "redeem"; m: number; points: number; key: number }
  | { t: "coupon"; coupons: number[]; order: number }
  | { t: "pause"; days: number };

// Few members, keys and orders, so replays, conflicts, shared members and shared orders are common.
const member = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 2 }) }, { weight: 1, arbitrary: fc.constant(3) });
const key = fc.integer({ min: 0, max: 7 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant("award" as const), m: member, points: fc.integer({ min: 1, max: 50 }), key }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("adjust" as const), m: member, delta: fc.integer({ min: -60, max: 60 }).filter((n) => n !== 0), key }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("redeem" as const), m: member, points: fc.integer({ min: 1, max: 60 }), key }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("coupon" as const), coupons: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 2 }), order: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("pause" as const), days: fc.integer({ min: 0, max: 40 }) }) },
);
const step = fc.record({ op, pauseAfter: fc.boolean() });

type Mode = "set-based" | "fallback" | "serial";

/** Runs the steps in a fresh workspace and describes everything a member or an operator could see afterwards. */
async function world(mode: Mode, steps: { op: Op; pauseAfter: boolean }[], maxBatch: number, allowNegative: boolean) {
  const db = database.db;
  clock.set(START);
  const ws = await newWorkspace(services, `Group ${mode}`);
  const ctx = systemContext(ws);
  await services.points.putSettings(ctx, { points: { expiry: { mode: "rolling", months: 1 }, allowNegative } });
  const members = [await newProfile(db, ws), await newProfile(db, ws), await newProfile(db, ws), newId()];
  const fixed = await services.coupons.createTemplate(ctx, { name: "¥5", kind: "fixed", amountMinor: 500, validity: { kind: "relative", days: 20 }, perMemberLimit: null });
  const pct = await services.coupons.createTemplate(ctx, { name: "10 %", kind: "percent", percentOff: 10, validity: { kind: "relative", days: 60 }, perMemberLimit: null, stackable: true });
  const codes: string[] = [];
  for (const [t, m] of [[fixed, 0], [fixed, 1], [fixed, 2], [fixed, 0], [pct, 1], [pct, 2]] as const) codes.push((await services.coupons.claim(ctx, t.id, members[m]!)).coupon.code);
  codes.push("NOSUCHCODE00");
  const index = (code: string) => codes.indexOf(code);

  const pointsWork = pointsGroupWork(clock);
  const couponWork = redemptionGroupWork(clock);
  const grouped = <C, R>(work: GroupWork<C, R>) =>
    createGroupCommitter(db, mode === "fallback" ? { ...work, batch: () => Promise.reject(new Error("forced fallback")) } : work, { maxBatch });
  const committers = { points: grouped(pointsWork), coupons: grouped(couponWork) };
  const points = (c: PointsCall) => (mode === "serial" ? db.transaction((tx) => pointsWork.one(tx, c)) : committers.points.submit(c));
  const coupons = (c: RedeemCouponsInput): Promise<RedeemedCoupons> => (mode === "serial" ? db.transaction((tx) => couponWork.one(tx, c)) : committers.coupons.submit(c));

  const call = (o: Exclude<Op, { t: "pause" }>): Promise<string> => {
    if (o.t === "coupon") {
      return coupons({ workspaceId: ws, codes: o.coupons.map((i) => codes[i]!), orderId: `order-${o.order}`, orderTotalMinor: 3_000, storeId: null, lines: null }).then(
        (r) => `${r.replayed ? "replay" : "ok"} ${r.discountMinor} ${r.coupons.map((c) => `${index(c.code)}:${c.discount_minor}`).join(",")}`,
      );
    }
    const profileId = members[o.m]!;
    const idempotencyKey = `k${o.key}`;
    const c: PointsCall =
      o.t === "award"
        ? { kind: "award", ctx, profileId, award: { points: o.points, source: "task", reason: "task", idempotencyKey } }
        : o.t === "adjust"
          ? { kind: "adjust", ctx, profileId, body: { delta: o.delta, reason: "fix", idempotencyKey } }
          : { kind: "redeem", ctx, profileId, body: { points: o.points, reason: "gift", idempotencyKey } };
    return points(c).then((r) => `${r.replayed ? "replay" : "ok"} ${r.entry.kind} ${r.entry.delta} ${r.balance.available}/${r.balance.version}`);
  };

  const answers: Promise<string>[] = [];
  for (const s of steps) {
    if (s.op.t === "pause") {
      await Promise.allSettled(answers);
      clock.advance(s.op.days * DAY);
      continue;
    }
    const answer = call(s.op).catch((e: unknown) => (e instanceof DomainError ? e.code : `unexpected: ${String(e)}`));
    answers.push(answer);
    if (mode === "serial") await answer;
    else if (s.pauseAfter) await new Promise((r) => setImmediate(r));
  }
  const said = await Promise.all(answers);

  for (const m of members.slice(0, 3)) await expectConsistent(db, ws, m, allowNegative);
  const profile = (id: string) => members.indexOf(id);
  const accounts = await rows<{ profile_id: string; available: string; pending: string; lifetime_earned: string; version: number }>(
    db,
    sql`select profile_id, available, pending, lifetime_earned, version from points_accounts where workspace_id = ${ws}::uuid`,
  );
  const entries = await rows<{ profile_id: string; kind: string; delta: string; key: string | null; allocations: { amount: number }[] }>(
    db,
    sql`select profile_id, kind, delta, idempotency_key as key, allocations from points_entries where workspace_id = ${ws}::uuid`,
  );
  const buckets = await rows<{ profile_id: string; amount: string; remaining: string; status: string; earned_at: string; expires_at: string | null }>(
    db,
    sql`select profile_id, amount, remaining, status, earned_at, expires_at from points_buckets where workspace_id = ${ws}::uuid`,
  );
  const couponRows = await rows<{ code: string; status: string; order_id: string | null; discount_minor: string | null }>(
    db,
    sql`select code, status, order_id, discount_minor from coupons where workspace_id = ${ws}::uuid`,
  );
  const sorted = (xs: string[]) => xs.sort();
  return {
    said,
    // A batch creates the accounts of all its members before judging them; an account that nothing ever
    // moved (version 0) reads as the missing one would (all zeros), so it is left out of the comparison.
    accounts: sorted(accounts.filter((a) => a.version > 0).map((a) => `${profile(a.profile_id)}: ${a.available} ${a.pending} ${a.lifetime_earned} v${a.version}`)),
    entries: sorted(entries.map((e) => `${profile(e.profile_id)} ${e.key} ${e.kind} ${e.delta} [${e.allocations.map((a) => a.amount).join(",")}]`)),
    buckets: sorted(buckets.map((b) => `${profile(b.profile_id)} ${b.amount} ${b.remaining} ${b.status} ${new Date(b.earned_at).getTime()} ${b.expires_at && new Date(b.expires_at).getTime()}`)),
    coupons: sorted(couponRows.map((c) => `${index(c.code)} ${c.status} ${c.order_id} ${c.discount_minor}`)),
  };
}

describe(`group commit against one call per transaction (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("random concurrent awards, adjustments, redemptions and coupon redemptions end as if run one by one", { timeout: 600_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom<Mode>("set-based", "fallback"),
        fc.boolean(),
        async (steps, maxBatch, mode, allowNegative) => {
          const serial = await world("serial", steps, maxBatch, allowNegative);
          const grouped = await world(mode, steps, maxBatch, allowNegative);
          expect(grouped).toEqual(serial);
          expect(grouped.said.filter((s) => s.startsWith("unexpected"))).toEqual([]);
        },
      ),
      { numRuns: Number(process.env.SIYU_PROPERTY_RUNS ?? 40) },
    );
  });
});
