import { sql } from "@siyu/storage/orm";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoreServices } from "../services";
import { fixedClock } from "../shared/clock";
import { systemContext } from "../shared/context";
import { DomainError } from "../shared/domain-error";
import { newId } from "../shared/ids";
import { expectConsistent, loyaltyServices, newProfile, newWorkspace } from "./loyalty.test-helpers";
import { rows } from "./points/points.ledger";

/**
 * Group commit of points awards, adjustments, redemptions and coupon redemptions through the services:
 * concurrent calls share transactions, every key has one effect, and a call's refusal is its own.
 * Runs on PGlite and, with DATABASE_URL_TEST, on the PostgreSQL server (real concurrency: two service
 * instances stand for two server processes).
 */
let database: TestDatabase;
let services: CoreServices;
const clock = fixedClock("2026-03-02T04:00:00Z");
const DAY = 86_400_000;

beforeAll(async () => {
  database = await openTestDatabase();
  services = loyaltyServices(database.db, clock);
});
afterAll(async () => {
  await database?.close();
});

const outcome = (r: PromiseSettledResult<{ replayed: boolean }>) =>
  r.status === "fulfilled" ? (r.value.replayed ? "replayed" : "ok") : r.reason instanceof DomainError ? r.reason.code : String(r.reason);

async function keysOf(ws: string) {
  return rows<{ key: string; n: number }>(
    database.db,
    sql`select idempotency_key as key, count(*)::int as n from points_entries where workspace_id = ${ws}::uuid and idempotency_key is not null group by 1`,
  );
}

describe(`group-committed loyalty calls (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("400 concurrent awards and adjustments to the same and different members, from two service instances: balances == sum(ledger), each key once", { timeout: 120_000 }, async () => {
    clock.set("2026-03-02T04:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const members = await Promise.all(Array.from({ length: 8 }, () => newProfile(database.db, ws)));
    const other = loyaltyServices(database.db, clock);
    // Every key is sent twice, once through each instance: 200 effects, 200 replays.
    const calls = Array.from({ length: 200 }, (_, i) => {
      const member = members[i % 3 === 0 ? 0 : i % members.length]!;
      return i % 4 === 0
        ? (s: CoreServices) => s.points.adjust(ctx, member, { delta: 7, reason: "goodwill", idempotencyKey: `adj-${i}` })
        : (s: CoreServices) => s.points.award(ctx, member, { points: 5, source: "task", reason: "task done", idempotencyKey: `award-${i}` });
    });
    const results = await Promise.allSettled([...calls.map((c) => c(services)), ...calls.map((c) => c(other))]);
    const counts: Record<string, number> = {};
    for (const r of results) counts[outcome(r)] = (counts[outcome(r)] ?? 0) + 1;
    expect(counts).toEqual({ ok: 200, replayed: 200 });
    expect((await keysOf(ws)).every((k) => k.n === 1)).toBe(true);
    expect(await keysOf(ws)).toHaveLength(200);
    let total = 0;
    for (const m of members) total += (await expectConsistent(database.db, ws, m)).available;
    expect(total).toBe(50 * 7 + 150 * 5);
    const stats = [services.points.groupCommitStats(), other.points.groupCommitStats()];
    expect(stats[0]!.calls + stats[1]!.calls).toBe(400);
    // Shared transactions: far fewer than one per call.
    expect(stats[0]!.batches + stats[1]!.batches).toBeLessThan(100);
    // Accounts locked in key order by both: they wait for each other, never deadlock, never fall back.
    expect(stats[0]!.fallbacks + stats[1]!.fallbacks).toBe(0);
  });

  it("a key replayed inside one batch and in a later batch has one effect; each replay answers the first entry", async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const p = await newProfile(database.db, ws);
    const fresh = loyaltyServices(database.db, clock, 1);
    const award = () => fresh.points.award(ctx, p, { points: 30, source: "badge", reason: "badge", idempotencyKey: "badge:once" });
    const same = await Promise.all([award(), award(), award(), fresh.points.adjust(ctx, p, { delta: -10, reason: "fix", idempotencyKey: "fix:once" }), award()]);
    expect(fresh.points.groupCommitStats()).toMatchObject({ batches: 1, calls: 5, fallbacks: 0 });
    expect(same.map((r) => r.replayed)).toEqual([false, true, true, false, true]);
    expect(new Set([0, 1, 2, 4].map((i) => same[i]!.entry.id)).size).toBe(1);
    // Each answer carries the balance as of its place in the batch.
    expect(same.map((r) => r.balance.available)).toEqual([30, 30, 30, 20, 20]);
    const later = await Promise.all([award(), fresh.points.adjust(ctx, p, { delta: -10, reason: "fix", idempotencyKey: "fix:once" })]);
    expect(later.map((r) => [r.replayed, r.entry.id])).toEqual([
      [true, same[0]!.entry.id],
      [true, same[3]!.entry.id],
    ]);
    expect((await expectConsistent(database.db, ws, p)).available).toBe(20);
    expect(await keysOf(ws)).toHaveLength(2);
  });

  it("a refused call in a batch rejects only its caller, with the code it has alone", async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const [a, b] = [await newProfile(database.db, ws), await newProfile(database.db, ws)];
    await services.points.adjust(ctx, a, { delta: 100, reason: "start", idempotencyKey: "start" });
    const fresh = loyaltyServices(database.db, clock, 1);
    const results = await Promise.allSettled([
      fresh.points.award(ctx, a, { points: 10, source: "task", reason: "ok", idempotencyKey: "k-1" }),
      fresh.points.award(ctx, newId(), { points: 10, source: "task", reason: "nobody", idempotencyKey: "k-2" }),
      fresh.points.redeem(ctx, b, { points: 5, reason: "empty", idempotencyKey: "k-3" }),
      fresh.points.award(ctx, b, { points: 10, source: "task", reason: "other amount", idempotencyKey: "start" }),
      fresh.points.adjust(ctx, "not-a-uuid", { delta: 5, reason: "nobody", idempotencyKey: "k-4" }),
      fresh.points.redeem(ctx, a, { points: 110, reason: "all of it", idempotencyKey: "k-5" }),
      fresh.points.redeem(ctx, a, { points: 1, reason: "one more", idempotencyKey: "k-6" }),
      fresh.points.adjust(ctx, b, { delta: 3, reason: "ok", idempotencyKey: "k-7" }),
    ]);
    expect(results.map(outcome)).toEqual([
      "ok",
      "profiles.not_found",
      "loyalty.insufficient_points",
      "loyalty.idempotency_conflict",
      "profiles.not_found",
      "ok",
      "loyalty.insufficient_points",
      "ok",
    ]);
    expect(fresh.points.groupCommitStats()).toMatchObject({ batches: 1, fallbacks: 0 });
    expect((await expectConsistent(database.db, ws, a)).available).toBe(0);
    expect((await expectConsistent(database.db, ws, b)).available).toBe(3);
    expect((await keysOf(ws)).map((k) => k.key).sort()).toEqual(["k-1", "k-5", "k-7", "start"]);
    const audit = await services.audit.list(ctx, { limit: 20 } as never);
    expect(audit.items.filter((x) => x.action === "loyalty.points_adjusted").map((x) => x.summary).sort()).toEqual(["+100 points: start", "+3 points: ok"]);
  });

  it("a refused call leaves no points account behind for a member who had none", async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const [paid, broke, deducted, reused] = [await newProfile(database.db, ws), await newProfile(database.db, ws), await newProfile(database.db, ws), await newProfile(database.db, ws)];
    const fresh = loyaltyServices(database.db, clock, 1);
    const results = await Promise.allSettled([
      fresh.points.award(ctx, paid, { points: 10, source: "task", reason: "ok", idempotencyKey: "paid" }),
      fresh.points.redeem(ctx, broke, { points: 5, reason: "nothing there", idempotencyKey: "broke" }),
      fresh.points.adjust(ctx, deducted, { delta: -5, reason: "nothing there", idempotencyKey: "deducted" }),
      fresh.points.award(ctx, reused, { points: 10, source: "task", reason: "another member's key", idempotencyKey: "paid" }),
    ]);
    expect(results.map(outcome)).toEqual(["ok", "loyalty.insufficient_points", "loyalty.insufficient_points", "loyalty.idempotency_conflict"]);
    expect(fresh.points.groupCommitStats()).toMatchObject({ batches: 1, fallbacks: 0 });
    // Alone in its batch, too.
    await expect(fresh.points.redeem(ctx, broke, { points: 1, reason: "still nothing", idempotencyKey: "broke-2" })).rejects.toMatchObject({ code: "loyalty.insufficient_points" });
    const accounts = await rows<{ profile_id: string }>(database.db, sql`select profile_id from points_accounts where workspace_id = ${ws}::uuid`);
    expect(accounts.map((a) => a.profile_id)).toEqual([paid]);
    expect((await fresh.points.balance(ctx, broke)).available).toBe(0);
  });

  it("a deduction in a batch expires the member's due points first and takes the oldest, as one at a time", async () => {
    clock.set("2026-03-02T04:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    await services.points.putSettings(ctx, { points: { expiry: { mode: "rolling", months: 1 } } });
    const p = await newProfile(database.db, ws);
    await services.points.adjust(ctx, p, { delta: 40, reason: "old", idempotencyKey: "old" });
    clock.advance(20 * DAY);
    await services.points.adjust(ctx, p, { delta: 50, reason: "newer", idempotencyKey: "newer" });
    clock.advance(15 * DAY);
    const [spent, tooMuch, earned] = await Promise.allSettled([
      services.points.redeem(ctx, p, { points: 30, reason: "gift", idempotencyKey: "spend" }),
      services.points.redeem(ctx, p, { points: 30, reason: "gift", idempotencyKey: "spend-2" }),
      services.points.award(ctx, p, { points: 5, source: "check_in", reason: "day", idempotencyKey: "day" }),
    ]);
    expect([spent, tooMuch, earned].map(outcome)).toEqual(["ok", "loyalty.insufficient_points", "ok"]);
    const history = await services.points.history(ctx, p, { limit: 10 });
    expect(history.items.map((e) => [e.kind, e.delta])).toEqual([
      ["earn", 5],
      ["redeem", -30],
      ["expire", -40],
      ["adjust", 50],
      ["adjust", 40],
    ]);
    expect((await expectConsistent(database.db, ws, p)).available).toBe(25);
  });

  it("services bound to a transaction run their batch as a savepoint of it, and roll back with it", async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const p = await newProfile(database.db, ws);
    const inside = await services.transaction(async (s) => {
      const r = await s.points.award(ctx, p, { points: 12, source: "journey", reason: "inside", idempotencyKey: "tx-kept" });
      return r.balance.available;
    });
    expect(inside).toBe(12);
    await expect(
      services.transaction(async (s) => {
        await s.points.adjust(ctx, p, { delta: 5, reason: "undone", idempotencyKey: "tx-undone" });
        throw new Error("the flow fails after the adjustment");
      }),
    ).rejects.toThrow("the flow fails");
    expect((await expectConsistent(database.db, ws, p)).available).toBe(12);
    expect((await keysOf(ws)).map((k) => k.key)).toEqual(["tx-kept"]);
  });

  it("concurrent coupon redemptions: each coupon once, replays answer the first result, a refusal is the request's own", async () => {
    clock.set("2026-03-02T04:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const p = await newProfile(database.db, ws);
    const short = await services.coupons.createTemplate(ctx, { name: "Today", kind: "fixed", amountMinor: 100, validity: { kind: "relative", days: 1 }, perMemberLimit: null });
    const fixed = await services.coupons.createTemplate(ctx, { name: "¥5", kind: "fixed", amountMinor: 500, validity: { kind: "relative", days: 30 }, perMemberLimit: null });
    const stackable = await services.coupons.createTemplate(ctx, { name: "10 %", kind: "percent", percentOff: 10, validity: { kind: "relative", days: 30 }, perMemberLimit: null, stackable: true });
    const claim = async (t: string) => (await services.coupons.claim(ctx, t, p)).coupon.code;
    const expired = await claim(short.id);
    const [c1, c2, c3, c4] = [await claim(fixed.id), await claim(fixed.id), await claim(fixed.id), await claim(fixed.id)];
    const pct = await claim(stackable.id);
    clock.advance(2 * DAY);
    const fresh = loyaltyServices(database.db, clock, 1);
    const redeem = (codes: string[], orderId: string) => fresh.coupons.redeem(ctx, { codes, orderId, orderTotalMinor: 10_000 });
    const results = await Promise.allSettled([
      redeem([c1], "o-1"),
      redeem([c1], "o-2"),
      redeem([c1], "o-1"),
      redeem([expired], "o-3"),
      redeem(["NOSUCHCODE0000"], "o-4"),
      redeem([c2, pct], "o-5"),
      redeem([c3], "o-5"),
      redeem([c4.toLowerCase()], "o-6"),
    ]);
    expect(results.map(outcome)).toEqual(["ok", "loyalty.coupon_already_redeemed", "replayed", "loyalty.coupon_expired", "loyalty.coupon_not_found", "ok", "loyalty.not_stackable", "ok"]);
    expect(fresh.coupons.redemptionStats()).toMatchObject({ batches: 1, calls: 8, fallbacks: 0 });
    const first = (results[0] as PromiseFulfilledResult<{ coupons: { id: string }[]; discountMinor: number }>).value;
    expect((results[2] as PromiseFulfilledResult<{ coupons: { id: string }[]; discountMinor: number }>).value).toMatchObject({ discountMinor: 500, coupons: first.coupons });
    expect((results[5] as PromiseFulfilledResult<{ discountMinor: number }>).value.discountMinor).toBe(500 + 950);
    const states = await rows<{ code: string; status: string; order_id: string | null; discount_minor: string | number | null }>(
      database.db,
      sql`select code, status, order_id, discount_minor from coupons where workspace_id = ${ws}::uuid order by code`,
    );
    const byCode = new Map(states.map((s) => [s.code, [s.status, s.order_id, s.discount_minor === null ? null : Number(s.discount_minor)]]));
    expect(byCode.get(c1)).toEqual(["redeemed", "o-1", 500]);
    expect(byCode.get(c2)).toEqual(["redeemed", "o-5", 500]);
    expect(byCode.get(pct)).toEqual(["redeemed", "o-5", 950]);
    expect(byCode.get(c3)).toEqual(["available", null, null]);
    expect(byCode.get(c4)).toEqual(["redeemed", "o-6", 500]);
    expect(byCode.get(expired)).toEqual(["available", null, null]);
    // Across batches: the order's replay, and the same coupon for another order.
    const again = await Promise.allSettled([redeem([c2, pct], "o-5"), redeem([pct], "o-7")]);
    expect(again.map(outcome)).toEqual(["replayed", "loyalty.coupon_already_redeemed"]);
  });
});
