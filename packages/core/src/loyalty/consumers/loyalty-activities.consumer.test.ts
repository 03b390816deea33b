import { sql } from "@siyu/storage/orm";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoreServices } from "../../services";
import { fixedClock } from "../../shared/clock";
import { systemContext } from "../../shared/context";
import { consumerHarness, expectConsistent, loyaltyServices, newWorkspace } from "../loyalty.test-helpers";
import { rows } from "../points/points.ledger";

let database: TestDatabase;
let services: CoreServices;
// 2026-07-08 12:00 in Asia/Shanghai.
const clock = fixedClock("2026-07-08T04:00:00Z");
const HOUR = 3_600_000;

beforeAll(async () => {
  database = await openTestDatabase();
  services = loyaltyServices(database.db, clock);
});
afterAll(async () => {
  await database?.close();
});

const { send, drain, profileOf } = consumerHarness(() => services, clock, "a", (s) => s.loyaltyActivitiesNextBatch());
const track = (userId: string, event: string, properties: Record<string, unknown> = {}, at?: Date) => ({
  type: "track",
  userId,
  event,
  properties,
  ...(at ? { timestamp: at.toISOString() } : {}),
});

describe(`activity earn rules (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("pays a share once per event, behind the projector, within the daily cap counted in local days", async () => {
    clock.set("2026-07-08T04:00:00Z");
    const ws = await newWorkspace(services);
    await services.points.putSettings(systemContext(ws), {
      activities: { rules: [{ code: "share", name: "Share", kind: "share", event: "Product Shared", points: 5, perMemberDaily: { limit: 2, unit: "occurrences" } }] },
    });
    await send(ws, [track("fan", "Product Shared")]);
    expect(await services.loyaltyActivitiesNextBatch()).toBe(0);
    // Three more shares today (one of them at 23:30 local), one just after local midnight.
    const t = clock.now().getTime();
    await send(ws, [
      track("fan", "Product Shared", {}, new Date(t + HOUR)),
      track("fan", "Product Shared", {}, new Date(t + 11.5 * HOUR)),
      track("fan", "Product Shared", {}, new Date(t + 12.5 * HOUR)),
      track("fan", "Product Viewed"),
    ]);
    await drain();
    const p = await profileOf(ws, "fan");
    expect((await services.points.balance(systemContext(ws), p)).available).toBe(15);
    const awards = await rows<{ day: unknown; n: number }>(database.db, sql`select day::text as day, count(*)::int as n from activity_awards where workspace_id = ${ws}::uuid group by day order by day`);
    expect(awards).toEqual([
      { day: "2026-07-08", n: 2 },
      { day: "2026-07-09", n: 1 },
    ]);
    // A replay of the batch (offset reset) pays nothing twice.
    await database.db.execute(sql`update events_consumer_offsets set position = 0 where consumer = 'loyalty.activities'`);
    await drain();
    expect((await services.points.balance(systemContext(ws), p)).available).toBe(15);
    await expectConsistent(database.db, ws, p);
  });

  it("applies property filters, points caps that cut the last award, monthly and whole-workspace daily caps", async () => {
    clock.set("2026-07-08T04:00:00Z");
    const ws = await newWorkspace(services);
    await services.points.putSettings(systemContext(ws), {
      activities: {
        rules: [
          { code: "review", name: "Review", event: "Review Submitted", points: 30, where: [{ property: "rating", op: "gte", value: 4 }, { property: "order.channel", op: "in", value: ["mini_program"] }], perMemberMonthly: { limit: 70, unit: "points" } },
          { code: "referral", name: "Referral", event: "Referral Completed", points: 100, dailyTotal: { limit: 2, unit: "occurrences" } },
        ],
      },
    });
    const good = { rating: 5, order: { channel: "mini_program" } };
    await send(ws, [
      track("a", "Review Submitted", good),
      track("a", "Review Submitted", { rating: 3, order: { channel: "mini_program" } }),
      track("a", "Review Submitted", { rating: 5, order: { channel: "tmall" } }),
      track("a", "Review Submitted", good),
      track("a", "Review Submitted", good),
      track("a", "Referral Completed"),
      track("b", "Referral Completed"),
      track("c", "Referral Completed"),
    ]);
    await drain();
    const ctx = systemContext(ws);
    const [a, b, c] = [await profileOf(ws, "a"), await profileOf(ws, "b"), await profileOf(ws, "c")];
    // Reviews: 30 + 30 + 10 (the monthly cap of 70 points cuts the third); the other two do not match.
    expect((await services.points.balance(ctx, a)).available).toBe(170);
    expect((await services.points.balance(ctx, b)).available).toBe(100);
    // The workspace's 2 referrals a day are used up.
    expect((await services.points.balance(ctx, c)).available).toBe(0);
    // Next month the review cap starts again.
    clock.set("2026-08-01T04:00:00Z");
    await send(ws, [track("a", "Review Submitted", good)]);
    await drain();
    expect((await services.points.balance(ctx, a)).available).toBe(200);
    for (const p of [a, b, c]) await expectConsistent(database.db, ws, p);
  });

  it("checks members in from Checked In events on the event's local day, once per day", async () => {
    clock.set("2026-07-08T04:00:00Z");
    const ws = await newWorkspace(services);
    const t = clock.now().getTime();
    await send(ws, [
      track("m", "Checked In", {}, new Date(t - 2 * 24 * HOUR)),
      track("m", "Checked In", {}, new Date(t - 24 * HOUR)),
      track("m", "Checked In", {}, new Date(t - 23 * HOUR)),
      track("m", "Checked In"),
    ]);
    await drain();
    const p = await profileOf(ws, "m");
    const calendar = await services.checkIns.calendar(ws, p);
    expect(calendar).toMatchObject({ checkedInToday: true, currentStreak: 3 });
    expect(calendar.days.map((d) => d.day)).toEqual(["2026-07-06", "2026-07-07", "2026-07-08"]);
    // 5 + 5 + (5 + 10 on day 3).
    expect((await services.points.balance(systemContext(ws), p)).available).toBe(25);
    // The log consumed again checks nobody in twice.
    await database.db.execute(sql`update events_consumer_offsets set position = 0 where consumer = 'loyalty.activities'`);
    await drain();
    expect((await services.points.balance(systemContext(ws), p)).available).toBe(25);
    // Checked in at the desk tomorrow, then the mini-program's event of the same day: skipped.
    clock.set("2026-07-09T04:00:00Z");
    expect((await services.checkIns.checkIn(ws, p, { source: "operator" })).checkIn.streak).toBe(4);
    await send(ws, [track("m", "Checked In")]);
    await drain();
    expect((await services.checkIns.calendar(ws, p)).days).toHaveLength(4);
    expect((await services.points.balance(systemContext(ws), p)).available).toBe(30);
    await expectConsistent(database.db, ws, p);
  });

  it("leaves no empty points account for a member whose events earned nothing", async () => {
    clock.set("2026-07-08T04:00:00Z");
    const ws = await newWorkspace(services);
    await services.points.putSettings(systemContext(ws), {
      activities: { rules: [{ code: "review", name: "Review", event: "Review Submitted", points: 30, where: [{ property: "rating", op: "gte", value: 4 }] }] },
    });
    await send(ws, [track("critic", "Review Submitted", { rating: 2 }), track("fan", "Review Submitted", { rating: 5 })]);
    await drain();
    const accounts = await rows<{ profile_id: string; available: number }>(
      database.db,
      sql`select profile_id, available::int as available from points_accounts where workspace_id = ${ws}::uuid`,
    );
    expect(accounts).toEqual([{ profile_id: await profileOf(ws, "fan"), available: 30 }]);
    expect((await services.points.balance(systemContext(ws), await profileOf(ws, "critic"))).available).toBe(0);
  });
});
