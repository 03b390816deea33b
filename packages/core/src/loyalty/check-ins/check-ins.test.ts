import { sql } from "@siyu/storage/orm";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoreServices } from "../../services";
import { fixedClock } from "../../shared/clock";
import { systemContext } from "../../shared/context";
import { DomainError } from "../../shared/domain-error";
import { expectConsistent, loyaltyServices, newProfile, newWorkspace } from "../loyalty.test-helpers";
import { rows } from "../points/points.ledger";
import { awardPoints } from "../points/points.award";

let database: TestDatabase;
let services: CoreServices;
// 2026-03-10 09:00 in Asia/Shanghai.
const clock = fixedClock("2026-03-10T01:00:00Z");
const DAY = 86_400_000;

beforeAll(async () => {
  database = await openTestDatabase();
  services = loyaltyServices(database.db, clock);
});
afterAll(async () => {
  await database?.close();
});

async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return "none";
}

describe(`check-ins (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("pays base points, streak bonuses on day 3 and 7, and starts the cycle again on day 8", async () => {
    clock.set("2026-03-10T01:00:00Z");
    const ws = await newWorkspace(services);
    const p = await newProfile(database.db, ws);
    const paid: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await services.checkIns.checkIn(ws, p, { source: "member" });
      paid.push(r.checkIn.points + r.checkIn.bonus);
      expect(r.checkIn.streak).toBe(i + 1);
      clock.advance(DAY);
    }
    // Defaults: 5 a day, +10 on day 3, +30 on day 7, a 7-day cycle (day 10 is day 3 again).
    expect(paid).toEqual([5, 5, 15, 5, 5, 5, 35, 5, 5, 15]);
    expect((await services.points.balance(systemContext(ws), p)).available).toBe(100);
    await expectConsistent(database.db, ws, p);
  });

  it("refuses a second check-in the same local day, replays a key, and counts days in the workspace's time zone", async () => {
    // 23:30 in Shanghai on 10 March, then 00:30 on 11 March: two local days an hour apart.
    clock.set("2026-03-10T15:30:00Z");
    const ws = await newWorkspace(services);
    const p = await newProfile(database.db, ws);
    const first = await services.checkIns.checkIn(ws, p, { source: "member", idempotencyKey: "tap-1" });
    expect(first.checkIn.day).toBe("2026-03-10");
    expect(await codeOf(services.checkIns.checkIn(ws, p, { source: "member" }))).toBe("loyalty.already_checked_in");
    const replay = await services.checkIns.checkIn(ws, p, { source: "member", idempotencyKey: "tap-1" });
    expect(replay).toMatchObject({ replayed: true, checkIn: { id: first.checkIn.id } });
    clock.advance(60 * 60_000);
    const next = await services.checkIns.checkIn(ws, p, { source: "member" });
    expect(next.checkIn).toMatchObject({ day: "2026-03-11", streak: 2 });
    expect(next.available).toBe(10);
  });

  it("follows a merge: the member's days, streak and cards are the merged profiles' too; a day is never checked twice", async () => {
    clock.set("2026-03-01T01:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const [a, b] = [await newProfile(database.db, ws), await newProfile(database.db, ws)];
    // a checks in on 1 and 2 March and holds a make-up card; b checks in on 2 and 3 March.
    await services.checkIns.checkIn(ws, a, { source: "member" });
    clock.advance(DAY);
    await services.checkIns.checkIn(ws, a, { source: "member" });
    await services.checkIns.checkIn(ws, b, { source: "member" });
    await services.checkIns.grantCards(ctx, a, { count: 1, reason: "welcome", idempotencyKey: "merge-card" });
    clock.advance(DAY);
    await services.checkIns.checkIn(ws, b, { source: "member", idempotencyKey: "b-3" });

    // a is merged into b (as the identity module merges: a's row points at b).
    await database.db.execute(sql`update profiles set merged_into = ${b}::uuid where id = ${a}::uuid`);
    const calendar = await services.checkIns.calendar(ws, b, "2026-03");
    expect(calendar).toMatchObject({ checkedInToday: true, currentStreak: 3, longestStreak: 3, makeUpCards: 1 });
    expect(calendar.days.map((d) => d.day.slice(8))).toEqual(["01", "02", "03"]);
    expect(await codeOf(services.checkIns.makeUp(ws, b, "2026-03-01", { source: "member" }))).toBe("loyalty.already_checked_in");
    expect((await services.checkIns.grantCards(ctx, b, { count: 1, reason: "welcome", idempotencyKey: "merge-card" })).replayed).toBe(true);

    // 4 March continues the merged run: day 4 of the streak.
    clock.advance(DAY);
    expect((await services.checkIns.checkIn(ws, b, { source: "member" })).checkIn.streak).toBe(4);
    // 6 March, with 5 March missed: a's card fills it and the run goes on.
    clock.advance(2 * DAY);
    expect((await services.checkIns.checkIn(ws, b, { source: "member" })).checkIn.streak).toBe(1);
    const made = await services.checkIns.makeUp(ws, b, "2026-03-05", { source: "member" });
    expect(made).toMatchObject({ checkIn: { streak: 5 }, makeUpCards: 0 });
    expect((await services.checkIns.calendar(ws, b, "2026-03")).currentStreak).toBe(6);
  });

  it("fills a missed day with a card, restoring the streak without a bonus; refuses without a card, outside the window and on a checked day", async () => {
    clock.set("2026-03-01T01:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const p = await newProfile(database.db, ws);
    // 1, 2 checked; 3 missed; 4 checked → streak 1.
    await services.checkIns.checkIn(ws, p, { source: "member" });
    clock.advance(DAY);
    await services.checkIns.checkIn(ws, p, { source: "member" });
    clock.advance(2 * DAY);
    expect((await services.checkIns.checkIn(ws, p, { source: "member" })).checkIn.streak).toBe(1);
    expect(await codeOf(services.checkIns.makeUp(ws, p, "2026-03-03", { source: "member" }))).toBe("loyalty.no_makeup_card");
    expect(await services.checkIns.grantCards(ctx, p, { count: 2, reason: "apology", idempotencyKey: "cards-1" })).toMatchObject({ makeUpCards: 2, replayed: false });
    expect(await services.checkIns.grantCards(ctx, p, { count: 2, reason: "apology", idempotencyKey: "cards-1" })).toMatchObject({ makeUpCards: 2, replayed: true });
    expect(await codeOf(services.checkIns.makeUp(ws, p, "2026-03-05", { source: "member" }))).toBe("loyalty.makeup_not_allowed");
    expect(await codeOf(services.checkIns.makeUp(ws, p, "2026-02-20", { source: "member" }))).toBe("loyalty.makeup_not_allowed");
    expect(await codeOf(services.checkIns.makeUp(ws, p, "2026-03-02", { source: "member" }))).toBe("loyalty.already_checked_in");
    const made = await services.checkIns.makeUp(ws, p, "2026-03-03", { source: "member" });
    // Day 3 of the streak, but a make-up never pays the bonus.
    expect(made.checkIn).toMatchObject({ kind: "make_up", streak: 3, points: 5, bonus: 0 });
    expect(made.makeUpCards).toBe(1);
    const calendar = await services.checkIns.calendar(ws, p, "2026-03");
    expect(calendar).toMatchObject({ today: "2026-03-04", checkedInToday: true, currentStreak: 4, longestStreak: 4, makeUpCards: 1 });
    expect(calendar.days.map((d) => `${d.day.slice(8)}:${d.kind}`)).toEqual(["01:check_in", "02:check_in", "03:make_up", "04:check_in"]);
    // Tomorrow continues the restored streak: day 5.
    clock.advance(DAY);
    expect((await services.checkIns.checkIn(ws, p, { source: "member" })).checkIn.streak).toBe(5);
    expect(await services.audit.list(ctx, { limit: 10 })).toMatchObject({ items: expect.arrayContaining([expect.objectContaining({ action: "loyalty.makeup_cards_granted" })]) });
    await expectConsistent(database.db, ws, p);
  });

  it("pays nothing when check-ins are switched off, and follows edited rules", async () => {
    clock.set("2026-03-10T01:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const p = await newProfile(database.db, ws);
    await services.points.putSettings(ctx, { checkIns: { enabled: false } });
    expect(await codeOf(services.checkIns.checkIn(ws, p, { source: "member" }))).toBe("loyalty.check_ins_disabled");
    await services.points.putSettings(ctx, { checkIns: { basePoints: 2, streakBonuses: [{ day: 2, points: 8 }], cycleDays: 2 } });
    const got: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await services.checkIns.checkIn(ws, p, { source: "member" });
      got.push(r.checkIn.points + r.checkIn.bonus);
      clock.advance(DAY);
    }
    expect(got).toEqual([2, 10, 2, 10]);
  });

  it("under concurrent requests: one check-in a day, one make-up per card", async () => {
    clock.set("2026-03-10T01:00:00Z");
    const ws = await newWorkspace(services);
    const p = await newProfile(database.db, ws);
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => codeOf(services.checkIns.checkIn(ws, p, { source: "member" }))));
    expect(outcomes.filter((o) => o === "none")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "loyalty.already_checked_in")).toHaveLength(19);
    await services.checkIns.grantCards(systemContext(ws), p, { count: 1, reason: "test", idempotencyKey: "one-card" });
    const days = ["2026-03-05", "2026-03-06", "2026-03-07", "2026-03-08", "2026-03-09"];
    const made = await Promise.all(days.map((day) => codeOf(services.checkIns.makeUp(ws, p, day, { source: "member" }))));
    expect(made.filter((o) => o === "none")).toHaveLength(1);
    expect(made.filter((o) => o === "loyalty.no_makeup_card")).toHaveLength(4);
    expect((await services.checkIns.calendar(ws, p)).makeUpCards).toBe(0);
    await expectConsistent(database.db, ws, p);
  });

  it("awardPoints pays once per key and refuses a key reused for another amount", async () => {
    const ws = await newWorkspace(services);
    const p = await newProfile(database.db, ws);
    const now = clock.now();
    const input = { workspaceId: ws, profileId: p, points: 40, source: "task", reason: "profile completed", idempotencyKey: "task:profile:1", metadata: { task: "profile" } };
    const first = await database.db.transaction((tx) => awardPoints(tx, input, now));
    const again = await database.db.transaction((tx) => awardPoints(tx, input, now));
    expect(again.id).toBe(first.id);
    expect(first).toMatchObject({ kind: "earn", delta: 40, source: "task", metadata: { task: "profile" } });
    expect(first.expires_at).not.toBeNull();
    expect(await codeOf(database.db.transaction((tx) => awardPoints(tx, { ...input, points: 41 }, now)))).toBe("loyalty.idempotency_conflict");
    const [n] = await rows<{ n: number }>(database.db, sql`select count(*)::int as n from points_entries where workspace_id = ${ws}::uuid`);
    expect(n!.n).toBe(1);
    await expectConsistent(database.db, ws, p);
  });
});
