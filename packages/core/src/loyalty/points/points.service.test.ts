import { DEFAULT_LOYALTY_SETTINGS } from "@siyu/contracts";
import { and, eq } from "@siyu/storage/orm";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import type { CoreServices } from "../../services";
import { fixedClock } from "../../shared/clock";
import { systemContext } from "../../shared/context";
import { workspaceSettings } from "../../settings";
import { expectConsistent, loyaltyServices, newProfile, newWorkspace } from "../loyalty.test-helpers";
import { transferAccount } from "./points.ledger";
import { pointsBuckets } from "./points.schema";

let database: TestDatabase;
let services: CoreServices;
const clock = fixedClock("2026-01-10T04:00:00Z");
const DAY = 86_400_000;

beforeAll(async () => {
  database = await openTestDatabase();
  services = loyaltyServices(database.db, clock);
});
afterAll(async () => {
  await database?.close();
});

describe(`points ledger (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("adjusts with a reason, redeems oldest first, refuses to overdraw and audits", async () => {
    clock.set("2026-01-10T04:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const p = await newProfile(database.db, ws);
    const add = await services.points.adjust(ctx, p, { delta: 100, reason: "goodwill", idempotencyKey: "a-1" });
    expect(add.balance).toMatchObject({ available: 100, pending: 0, lifetimeEarned: 100 });
    clock.advance(DAY);
    await services.points.adjust(ctx, p, { delta: 50, reason: "second", idempotencyKey: "a-2" });
    const spent = await services.points.redeem(ctx, p, { points: 120, reason: "gift", idempotencyKey: "r-1" });
    expect(spent.balance.available).toBe(30);
    await expect(services.points.redeem(ctx, p, { points: 31, reason: "too much", idempotencyKey: "r-2" })).rejects.toMatchObject({
      code: "loyalty.insufficient_points",
      status: 422,
    });
    await expect(services.points.adjust(ctx, p, { delta: -31, reason: "too much", idempotencyKey: "a-3" })).rejects.toMatchObject({ code: "loyalty.insufficient_points" });
    const history = await services.points.history(ctx, p, { limit: 10 });
    expect(history.items.map((e) => [e.kind, e.delta])).toEqual([
      ["redeem", -120],
      ["adjust", 50],
      ["adjust", 100],
    ]);
    const audit = await services.audit.list(ctx, { limit: 10 } as never);
    expect(audit.items.filter((a) => a.action === "loyalty.points_adjusted")).toHaveLength(2);
    await expectConsistent(database.db, ws, p);
  });

  it("keeps its settings as the workspace's \"loyalty\" row: PUT replaces them whole and audits the changed sections", async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    expect(await services.points.settings(ws)).toEqual(DEFAULT_LOYALTY_SETTINGS);
    await services.points.putSettings(ctx, { points: { pendingDays: 3 }, earn: { stacking: "multiply" } });
    const after = await services.points.putSettings(ctx, { points: { pendingDays: 3 } });
    expect(after).toEqual({ ...DEFAULT_LOYALTY_SETTINGS, points: { ...DEFAULT_LOYALTY_SETTINGS.points, pendingDays: 3 } });
    expect(await services.points.settings(ws)).toEqual(after);
    const [row] = await database.db
      .select()
      .from(workspaceSettings)
      .where(and(eq(workspaceSettings.workspaceId, ws), eq(workspaceSettings.module, "loyalty")));
    expect(row!.settings).toEqual(after);

    const audit = (await services.audit.list(ctx, { limit: 10 } as never)).items.filter((a) => a.action === "loyalty.settings_updated");
    expect(audit.map((a) => [a.targetType, a.targetId, a.summary])).toEqual([
      ["loyalty_settings", ws, "Loyalty settings changed"],
      ["loyalty_settings", ws, "Loyalty settings changed"],
    ]);
    // Only the sections that changed; the second PUT left `earn` out, so it went back to its defaults.
    const multiply = { ...DEFAULT_LOYALTY_SETTINGS.earn, stacking: "multiply" };
    expect(audit.map((a) => [a.before, a.after])).toEqual(
      expect.arrayContaining([
        [
          { points: DEFAULT_LOYALTY_SETTINGS.points, earn: DEFAULT_LOYALTY_SETTINGS.earn },
          { points: after.points, earn: multiply },
        ],
        [{ earn: multiply }, { earn: DEFAULT_LOYALTY_SETTINGS.earn }],
      ]),
    );

    await expect(services.points.putSettings(ctx, { tiers: { levels: [{ code: "gold", name: "Gold", threshold: 5 }] } })).rejects.toBeInstanceOf(ZodError);
    expect(await services.points.settings(ws)).toEqual(after);
  });

  it("reads a stored section that no longer validates as its defaults, keeping the others", async () => {
    const ws = await newWorkspace(services);
    await database.db.insert(workspaceSettings).values({
      workspaceId: ws,
      module: "loyalty",
      settings: { points: { pendingDays: 0 }, earn: { stacking: "sideways" }, removed: true },
      updatedAt: clock.now(),
    });
    expect(await services.points.settings(ws)).toEqual({ ...DEFAULT_LOYALTY_SETTINGS, points: { ...DEFAULT_LOYALTY_SETTINGS.points, pendingDays: 0 } });
  });

  it("returns the first result for a replayed key and refuses a key reused for another request", async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const p = await newProfile(database.db, ws);
    await services.points.adjust(ctx, p, { delta: 100, reason: "start", idempotencyKey: "start" });
    const first = await services.points.redeem(ctx, p, { points: 40, reason: "gift", idempotencyKey: "k" });
    const again = await services.points.redeem(ctx, p, { points: 40, reason: "gift", idempotencyKey: "k" });
    expect(again.replayed).toBe(true);
    expect(again.entry.id).toBe(first.entry.id);
    expect(again.balance.available).toBe(60);
    await expect(services.points.redeem(ctx, p, { points: 41, reason: "gift", idempotencyKey: "k" })).rejects.toMatchObject({ code: "loyalty.idempotency_conflict", status: 409 });
    await expectConsistent(database.db, ws, p);
  });

  it("expires the oldest points first, set-based and idempotent, under a rolling rule", async () => {
    clock.set("2026-01-01T00:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    await services.points.putSettings(ctx, { points: { expiry: { mode: "rolling", months: 1 } } });
    const p = await newProfile(database.db, ws);
    await services.points.adjust(ctx, p, { delta: 100, reason: "old", idempotencyKey: "old" });
    clock.set("2026-01-20T00:00:00Z");
    await services.points.adjust(ctx, p, { delta: 70, reason: "new", idempotencyKey: "new" });
    // 30 of the old 100 are spent first.
    await services.points.redeem(ctx, p, { points: 30, reason: "x", idempotencyKey: "spend" });
    clock.set("2026-02-05T00:00:00Z");
    const run = await services.points.runJobs();
    expect(run.expired).toBe(70);
    expect((await services.points.runJobs()).expired).toBe(0);
    expect((await services.points.balance(ctx, p)).available).toBe(70);
    await expectConsistent(database.db, ws, p);
  });

  it("computes a fixed expiry date at the end of next year in the workspace's time zone", async () => {
    clock.set("2026-03-15T10:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    await services.points.putSettings(ctx, { points: { expiry: { mode: "fixed", yearsAfter: 1, month: 12, day: 31 } } });
    const p = await newProfile(database.db, ws);
    const r = await services.points.adjust(ctx, p, { delta: 10, reason: "x", idempotencyKey: "x" });
    // Midnight of 2028-01-01 in Asia/Shanghai.
    expect(r.entry.expiresAt).toBe("2027-12-31T16:00:00.000Z");
  });

  it("reverses a redemption exactly, into the buckets it came from", async () => {
    clock.set("2026-01-01T00:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const p = await newProfile(database.db, ws);
    await services.points.adjust(ctx, p, { delta: 80, reason: "a", idempotencyKey: "a" });
    const spent = await services.points.redeem(ctx, p, { points: 50, reason: "b", idempotencyKey: "b" });
    const back = await services.points.reverse(ctx, spent.entry.id, { idempotencyKey: "undo-b", reason: "cancelled" });
    expect(back.balance.available).toBe(80);
    expect((await services.points.reverse(ctx, spent.entry.id, { idempotencyKey: "undo-b", reason: "cancelled" })).replayed).toBe(true);
    await expect(services.points.reverse(ctx, spent.entry.id, { idempotencyKey: "undo-b-2", reason: "again" })).rejects.toMatchObject({ code: "loyalty.not_reversible" });
    await expectConsistent(database.db, ws, p);
  });

  it("moves a merged profile's points onto a member in debt: the debt eats the oldest moved points", async () => {
    clock.set("2026-01-01T00:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    await services.points.putSettings(ctx, { points: { allowNegative: true } });
    const [into, from] = [await newProfile(database.db, ws), await newProfile(database.db, ws)];
    await services.points.adjust(ctx, into, { delta: -30, reason: "debt", idempotencyKey: "debt" });
    const older = await services.points.adjust(ctx, from, { delta: 20, reason: "older", idempotencyKey: "older" });
    clock.advance(DAY);
    const newer = await services.points.adjust(ctx, from, { delta: 40, reason: "newer", idempotencyKey: "newer" });
    await database.db.transaction((tx) => transferAccount(tx, ws, from, into, clock.now()));
    expect((await expectConsistent(database.db, ws, into, true)).available).toBe(30);
    expect((await expectConsistent(database.db, ws, from)).available).toBe(0);
    const buckets = await database.db.select({ entry: pointsBuckets.entryId, remaining: pointsBuckets.remaining }).from(pointsBuckets).where(eq(pointsBuckets.profileId, into));
    expect(Object.fromEntries(buckets.map((b) => [b.entry, Number(b.remaining)]))).toEqual({ [older.entry.id]: 0, [newer.entry.id]: 30 });
  });

  it("answers an unknown customer with profiles.not_found", async () => {
    const ws = await newWorkspace(services);
    await expect(services.points.balance(systemContext(ws), "0190a000-0000-7000-8000-000000000000")).rejects.toMatchObject({ code: "profiles.not_found" });
  });
});
