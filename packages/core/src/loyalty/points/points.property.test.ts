import fc from "fast-check";
import { sql } from "@siyu/storage/orm";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoreServices } from "../../services";
import { fixedClock } from "../../shared/clock";
import { DomainError } from "../../shared/domain-error";
import { expectConsistent, loyaltyServices, newProfile, newWorkspace } from "../loyalty.test-helpers";
import { addDays, addMonths } from "../../shared/local-time";
import { debit, earn, expireDueForAccount, lockAccount, restoreDebit, reverseEarn, rows, type EntryRow } from "./points.ledger";
import { expireDuePoints, releaseDuePoints } from "./points.jobs";

/**
 * Random sequences of earn (available or pending), redeem, adjust ±, time passing (release and expiry jobs),
 * refund reversals of earns and undoing of redemptions, checked after every step against the tables'
 * invariants and against a model of the buckets: the ledger must take exactly the oldest points.
 */
let database: TestDatabase;
let services: CoreServices;
const clock = fixedClock("2026-01-01T00:00:00Z");

beforeAll(async () => {
  database = await openTestDatabase();
  services = loyaltyServices(database.db, clock);
});
afterAll(async () => {
  await database?.close();
});

type Op =
  | { t: "earn"; points: number; pending: boolean }
  | { t: "redeem"; points: number }
  | { t: "adjust"; delta: number }
  | { t: "advance"; days: number }
  | { t: "refund"; pick: number; share: number }
  | { t: "undo"; pick: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant("earn" as const), points: fc.integer({ min: 1, max: 500 }), pending: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant("redeem" as const), points: fc.integer({ min: 1, max: 600 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("adjust" as const), delta: fc.integer({ min: -300, max: 300 }).filter((n) => n !== 0) }) },
  // Mostly short steps, so several buckets are alive at once and the order of spending shows.
  { weight: 3, arbitrary: fc.record({ t: fc.constant("advance" as const), days: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 6 }) }, { weight: 1, arbitrary: fc.integer({ min: 7, max: 40 }) }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("refund" as const), pick: fc.nat(), share: fc.double({ min: 0.05, max: 1, noNaN: true }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("undo" as const), pick: fc.nat() }) },
);

interface ModelBucket {
  id: string;
  earnedAt: number;
  expiresAt: number;
  pendingUntil: number | null;
  amount: number;
  remaining: number;
  reversed: number;
  status: "pending" | "available" | "expired";
}

class Model {
  buckets = new Map<string, ModelBucket>();
  available = 0;
  pending = 0;

  fifo(now: number): ModelBucket[] {
    return [...this.buckets.values()]
      .filter((b) => b.status === "available" && b.remaining > 0 && b.expiresAt > now)
      .sort((a, b) => a.earnedAt - b.earnedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
  take(amount: number, now: number): { bucket: string; amount: number }[] {
    const out: { bucket: string; amount: number }[] = [];
    let left = amount;
    for (const b of this.fifo(now)) {
      if (left <= 0) break;
      const t = Math.min(left, b.remaining);
      b.remaining -= t;
      left -= t;
      out.push({ bucket: b.id, amount: t });
    }
    return out;
  }
  expire(now: number) {
    for (const b of this.buckets.values()) {
      if (b.status === "available" && b.expiresAt <= now) {
        this.available -= b.remaining;
        b.remaining = 0;
        b.status = "expired";
      }
    }
  }
  release(now: number) {
    for (const b of this.buckets.values()) {
      if (b.status === "pending" && b.pendingUntil !== null && b.pendingUntil <= now) {
        b.status = "available";
        this.available += b.remaining;
        this.pending -= b.remaining;
      }
    }
  }
}

async function check(ws: string, profile: string, model: Model) {
  const s = await expectConsistent(database.db, ws, profile);
  expect(s.available).toBe(model.available);
  expect(s.pending).toBe(model.pending);
  const found = await rows<{ id: string; remaining: string | number; status: string; reversed: string | number }>(
    database.db,
    sql`select id, remaining, status, reversed from points_buckets where workspace_id = ${ws}::uuid and profile_id = ${profile}::uuid`,
  );
  const actual = Object.fromEntries(found.map((b) => [b.id, { remaining: Number(b.remaining), status: b.status, reversed: Number(b.reversed) }]));
  const expected = Object.fromEntries([...model.buckets.values()].map((b) => [b.id, { remaining: b.remaining, status: b.status, reversed: b.reversed }]));
  expect(actual).toEqual(expected);
}

describe(`points ledger properties (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("keeps balance == sum(ledger), never negative, spends and expires the oldest points, reverses exactly", { timeout: 240_000 }, async () => {
    const ws = await newWorkspace(services, "Property brand");
    const db = database.db;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        clock.set("2026-01-01T00:00:00Z");
        const profile = await newProfile(db, ws);
        const model = new Model();
        const earns: string[] = [];
        const debits: { entry: EntryRow; undone: boolean }[] = [];
        for (const o of ops) {
          const now = clock.now();
          const t = now.getTime();
          if (o.t === "earn" || (o.t === "adjust" && o.delta > 0)) {
            const points = o.t === "earn" ? o.points : o.delta;
            const pending = o.t === "earn" && o.pending;
            const expiresAt = addMonths(now, 1);
            const pendingUntil = pending ? addDays(now, 7) : null;
            const entry = await db.transaction(async (tx) =>
              earn(tx, ws, await lockAccount(tx, ws, profile, now), { profileId: profile, points, kind: o.t === "earn" ? "earn" : "adjust", source: "test", reason: null, idempotencyKey: null, earnedAt: now, expiresAt, pendingUntil }, now),
            );
            model.buckets.set(entry.bucket_id!, { id: entry.bucket_id!, earnedAt: t, expiresAt: expiresAt.getTime(), pendingUntil: pendingUntil?.getTime() ?? null, amount: points, remaining: points, reversed: 0, status: pending ? "pending" : "available" });
            if (pending) model.pending += points;
            else model.available += points;
            if (o.t === "earn") earns.push(entry.bucket_id!);
          } else if (o.t === "redeem" || o.t === "adjust") {
            const points = o.t === "redeem" ? o.points : -o.delta;
            model.expire(t);
            let entry: EntryRow | null = null;
            try {
              entry = await db.transaction(async (tx) =>
                debit(tx, ws, await lockAccount(tx, ws, profile, now), { profileId: profile, points, kind: o.t === "redeem" ? "redeem" : "adjust", source: "test", reason: null, idempotencyKey: null, mayGoNegative: false }, now),
              );
            } catch (error) {
              if (!(error instanceof DomainError) || error.code !== "loyalty.insufficient_points") throw error;
            }
            if (points > model.available) {
              expect(entry).toBeNull();
              // The refused debit rolled back, the expiry with it; the next step expires again.
              await db.transaction(async (tx) => {
                await expireDueForAccount(tx, ws, await lockAccount(tx, ws, profile, now), now);
              });
            } else {
              const allocations = model.take(points, t);
              model.available -= points;
              expect(entry!.allocations).toEqual(allocations);
              debits.push({ entry: entry!, undone: false });
            }
          } else if (o.t === "advance") {
            clock.advance(o.days * 86_400_000);
            const later = clock.now();
            while ((await releaseDuePoints(db, later)).accounts > 0);
            while ((await expireDuePoints(db, later)).accounts > 0);
            model.release(later.getTime());
            model.expire(later.getTime());
          } else if (o.t === "refund") {
            if (earns.length === 0) continue;
            const b = model.buckets.get(earns[o.pick % earns.length]!)!;
            const left = b.amount - b.reversed;
            if (left === 0) continue;
            const k = Math.max(1, Math.round(left * o.share));
            await db.transaction(async (tx) =>
              reverseEarn(tx, ws, await lockAccount(tx, ws, profile, now), { bucketId: b.id, points: k, allowNegative: false, idempotencyKey: null, reason: null, source: "test" }, now),
            );
            b.reversed += k;
            if (b.status === "pending") {
              b.remaining -= k;
              model.pending -= k;
            } else {
              model.expire(t);
              const own = b.status === "available" ? Math.min(k, b.remaining) : 0;
              b.remaining -= own;
              const rest = Math.min(k - own, model.available - own);
              const taken = model.take(rest, t);
              model.available -= own + taken.reduce((s, a) => s + a.amount, 0);
            }
          } else {
            const open = debits.filter((d) => !d.undone);
            if (open.length === 0) continue;
            const d = open[o.pick % open.length]!;
            await db.transaction(async (tx) =>
              restoreDebit(tx, ws, await lockAccount(tx, ws, profile, now), d.entry, { idempotencyKey: null, reason: null, source: "test" }, now),
            );
            d.undone = true;
            for (const a of d.entry.allocations) {
              const b = model.buckets.get(a.bucket)!;
              b.remaining += a.amount;
              b.status = "available";
            }
            model.available -= d.entry.delta;
            model.expire(t);
          }
          await check(ws, profile, model);
        }
      }),
      { numRuns: Number(process.env.SIYU_PROPERTY_RUNS || 100) },
    );
  });

  it("with negative balances allowed, reversals and deductions may go below zero, later points pay the debt first, undoing keeps the invariants", { timeout: 240_000 }, async () => {
    const ws = await newWorkspace(services, "Debt brand");
    const db = database.db;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 20 }), async (ops) => {
        clock.set("2026-01-01T00:00:00Z");
        const profile = await newProfile(db, ws);
        const earns: string[] = [];
        const debits: EntryRow[] = [];
        for (const o of ops) {
          const now = clock.now();
          if (o.t === "earn" || (o.t === "adjust" && o.delta > 0)) {
            const points = o.t === "earn" ? o.points : o.delta;
            const entry = await db.transaction(async (tx) =>
              earn(tx, ws, await lockAccount(tx, ws, profile, now), { profileId: profile, points, kind: "earn", source: "test", reason: null, idempotencyKey: null, earnedAt: now, expiresAt: addMonths(now, 1), pendingUntil: o.t === "earn" && o.pending ? addDays(now, 7) : null }, now),
            );
            earns.push(entry.bucket_id!);
          } else if (o.t === "redeem" || o.t === "adjust") {
            const points = o.t === "redeem" ? o.points : -o.delta;
            const entry = await db
              .transaction(async (tx) =>
                debit(tx, ws, await lockAccount(tx, ws, profile, now), { profileId: profile, points, kind: o.t === "redeem" ? "redeem" : "adjust", source: "test", reason: null, idempotencyKey: null, mayGoNegative: o.t === "adjust" }, now),
              )
              .catch((error: unknown) => {
                if (!(error instanceof DomainError)) throw error;
                return null;
              });
            if (entry) debits.push(entry);
          } else if (o.t === "advance") {
            clock.advance(o.days * 86_400_000);
            while ((await releaseDuePoints(db, clock.now())).accounts > 0);
            while ((await expireDuePoints(db, clock.now())).accounts > 0);
          } else if (o.t === "undo" && debits.length > 0) {
            const d = debits.splice(o.pick % debits.length, 1)[0]!;
            await db.transaction(async (tx) => restoreDebit(tx, ws, await lockAccount(tx, ws, profile, now), d, { idempotencyKey: null, reason: null, source: "test" }, now));
          } else if (o.t === "refund" && earns.length > 0) {
            const bucketId = earns[o.pick % earns.length]!;
            await db.transaction(async (tx) =>
              reverseEarn(tx, ws, await lockAccount(tx, ws, profile, now), { bucketId, points: Math.max(1, Math.round(500 * o.share)), allowNegative: true, idempotencyKey: null, reason: null, source: "test" }, now),
            );
          }
          await expectConsistent(db, ws, profile, true);
        }
      }),
      { numRuns: Number(process.env.SIYU_PROPERTY_RUNS || 30) },
    );
  });
});
