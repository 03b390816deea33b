import fc from "fast-check";
import { sql } from "@siyu/storage/orm";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { DEFAULT_LOYALTY_SETTINGS, type ActivityRule } from "@siyu/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoreServices } from "../../services";
import { fixedClock } from "../../shared/clock";
import { systemContext } from "../../shared/context";
import { DomainError } from "../../shared/domain-error";
import { addLocalDays } from "../../shared/local-time";
import { expectConsistent, loyaltyServices, newProfile, newWorkspace } from "../loyalty.test-helpers";
import { rows } from "../points/points.ledger";
import { awardWithinCaps, capCounterKeys, type CapCounters } from "../consumers/activity-rules";

/**
 * Random sequences of check-ins, make-ups (inside and outside the window, on checked and missed days),
 * card grants and days passing, against a plain model: the same refusals, the same streaks, the same
 * points, and no day recorded twice. Then random activity events against random caps: no cap is ever
 * exceeded, through the consumer and in the pure rule.
 */
let database: TestDatabase;
let services: CoreServices;
// Noon in Asia/Shanghai.
const clock = fixedClock("2026-05-01T04:00:00Z");
const DAY = 86_400_000;

beforeAll(async () => {
  database = await openTestDatabase();
  services = loyaltyServices(database.db, clock);
});
afterAll(async () => {
  await database?.close();
});

type Op = { t: "check_in" } | { t: "make_up"; back: number } | { t: "grant"; count: number } | { t: "advance"; days: number };
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.constant({ t: "check_in" as const }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("make_up" as const), back: fc.integer({ min: 0, max: 9 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("grant" as const), count: fc.integer({ min: 1, max: 2 }) }) },
  { weight: 5, arbitrary: fc.record({ t: fc.constant("advance" as const), days: fc.integer({ min: 1, max: 3 }) }) },
);

/** The model: days recorded, cards, points, from the settings' rules written out plainly. */
function model(settings: { basePoints: number; bonuses: Map<number, number>; cycle: number | null; window: number; makeUpPoints: number }) {
  const days = new Map<string, { streak: number; paid: number }>();
  let cards = 0;
  let points = 0;
  const runEndingAt = (day: string) => {
    let n = 0;
    for (let d = day; days.has(d); d = addLocalDays(d, -1)) n += 1;
    return n;
  };
  return {
    days,
    get cards() {
      return cards;
    },
    get points() {
      return points;
    },
    grant(count: number) {
      cards += count;
    },
    record(day: string, today: string, kind: "check_in" | "make_up"): string {
      if (kind === "make_up" && (day >= today || day < addLocalDays(today, -settings.window))) return "loyalty.makeup_not_allowed";
      if (days.has(day)) return "loyalty.already_checked_in";
      if (kind === "make_up" && cards < 1) return "loyalty.no_makeup_card";
      const streak = runEndingAt(addLocalDays(day, -1)) + 1;
      const position = settings.cycle === null ? streak : ((streak - 1) % settings.cycle) + 1;
      const paid = kind === "check_in" ? settings.basePoints + (settings.bonuses.get(position) ?? 0) : settings.makeUpPoints;
      if (kind === "make_up") cards -= 1;
      days.set(day, { streak, paid });
      points += paid;
      return "ok";
    },
    current(today: string) {
      return runEndingAt(days.has(today) ? today : addLocalDays(today, -1));
    },
  };
}

async function outcome(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return "ok";
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}

describe("check-in and activity properties", () => {
  it("check-ins and make-ups match the model: streaks, points, refusals, each day once", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 25 }),
        fc.record({ cycle: fc.constantFrom(null, 3, 7), bonusDay: fc.integer({ min: 1, max: 3 }), window: fc.integer({ min: 1, max: 7 }) }),
        async (ops, rules) => {
          clock.set("2026-05-01T04:00:00Z");
          const ws = await newWorkspace(services);
          const p = await newProfile(database.db, ws);
          const ctx = systemContext(ws);
          const bonuses = new Map([[rules.bonusDay, 10], [rules.bonusDay + 2 <= (rules.cycle ?? 99) ? rules.bonusDay + 2 : rules.bonusDay, 25]]);
          await services.points.putSettings(ctx, {
            checkIns: { basePoints: 3, streakBonuses: [...bonuses].map(([day, points]) => ({ day, points })), cycleDays: rules.cycle, makeUp: { windowDays: rules.window, points: 1 } },
          });
          const m = model({ basePoints: 3, bonuses, cycle: rules.cycle, window: rules.window, makeUpPoints: 1 });
          let today = "2026-05-01";
          let serial = 0;
          for (const o of ops) {
            if (o.t === "advance") {
              clock.advance(o.days * DAY);
              today = addLocalDays(today, o.days);
            } else if (o.t === "grant") {
              await services.checkIns.grantCards(ctx, p, { count: o.count, reason: "test", idempotencyKey: `g-${++serial}` });
              m.grant(o.count);
            } else if (o.t === "check_in") {
              expect(await outcome(services.checkIns.checkIn(ws, p, { source: "member" }))).toBe(m.record(today, today, "check_in"));
            } else {
              const day = addLocalDays(today, -o.back);
              // "Making up" today is today's check-in.
              const expected = o.back === 0 ? m.record(day, today, "check_in") : m.record(day, today, "make_up");
              expect(await outcome(services.checkIns.makeUp(ws, p, day, { source: "member" }))).toBe(expected);
            }
          }
          const recorded = await rows<{ day: string; streak: number; paid: number }>(
            database.db,
            sql`select day::text as day, streak, points + bonus as paid from check_ins where workspace_id = ${ws}::uuid order by day`,
          );
          expect(recorded).toEqual([...m.days].sort(([a], [b]) => a.localeCompare(b)).map(([day, r]) => ({ day, ...r })));
          const calendar = await services.checkIns.calendar(ws, p);
          expect(calendar.currentStreak).toBe(m.current(today));
          expect(calendar.makeUpCards).toBe(m.cards);
          expect((await services.points.balance(ctx, p)).available).toBe(m.points);
          await expectConsistent(database.db, ws, p);
        },
      ),
      { numRuns: 30 },
    );
  }, 300_000);

  it("check-ins sent as events, in random order and batches, match the model: each day once, streaks as the log made them", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 25 }), fc.integer({ min: 1, max: 8 }), async (dayOffsets, batch) => {
        clock.set("2026-05-11T04:00:00Z");
        const ws = await newWorkspace(services);
        const user = `member-${ws}`;
        // Noon local time on 1 … 10 May, in the order the log received them.
        const result = await services.ingest(
          ws,
          dayOffsets.map((d) => ({ type: "track", messageId: `c-${++n}`, userId: user, event: "Checked In", timestamp: new Date(Date.parse("2026-05-01T04:00:00Z") + d * DAY).toISOString() })),
        );
        expect(result.errors).toEqual([]);
        while ((await services.projectNextBatch()) > 0);
        while ((await services.loyaltyActivitiesNextBatch(batch)) > 0);
        const m = model({ basePoints: 5, bonuses: new Map([[3, 10], [7, 30]]), cycle: 7, window: 7, makeUpPoints: 5 });
        for (const d of dayOffsets) {
          const day = addLocalDays("2026-05-01", d);
          if (!m.days.has(day)) m.record(day, "2026-05-11", "check_in");
        }
        const recorded = await rows<{ day: string; streak: number; paid: number }>(
          database.db,
          sql`select day::text as day, streak, points + bonus as paid from check_ins where workspace_id = ${ws}::uuid order by day`,
        );
        expect(recorded).toEqual([...m.days].sort(([a], [b]) => a.localeCompare(b)).map(([day, r]) => ({ day, ...r })));
        const [sum] = await rows<{ points: number }>(database.db, sql`select coalesce(sum(delta), 0)::int as points from points_entries where workspace_id = ${ws}::uuid`);
        expect(sum!.points).toBe(m.points);
      }),
      { numRuns: 15 },
    );
  }, 300_000);

  const cap = fc.option(fc.record({ limit: fc.integer({ min: 1, max: 40 }), unit: fc.constantFrom("occurrences" as const, "points" as const) }), { nil: null });
  const rule = fc.record({ points: fc.integer({ min: 1, max: 15 }), perMemberDaily: cap, perMemberMonthly: cap, dailyTotal: cap });

  function expectWithinCaps(r: Pick<ActivityRule, "perMemberDaily" | "perMemberMonthly" | "dailyTotal">, awards: { member: string; day: string; points: number }[]) {
    const check = (c: ActivityRule["perMemberDaily"], groupOf: (a: { member: string; day: string }) => string) => {
      if (!c) return;
      const groups = new Map<string, { n: number; points: number }>();
      for (const a of awards) {
        const g = groups.get(groupOf(a)) ?? { n: 0, points: 0 };
        groups.set(groupOf(a), { n: g.n + 1, points: g.points + a.points });
      }
      for (const g of groups.values()) expect(c.unit === "occurrences" ? g.n : g.points).toBeLessThanOrEqual(c.limit);
    };
    check(r.perMemberDaily, (a) => `${a.member} ${a.day}`);
    check(r.perMemberMonthly, (a) => `${a.member} ${a.day.slice(0, 7)}`);
    check(r.dailyTotal, (a) => a.day);
  }

  it("the cap rule never lets a member, a month or a day past its cap", () => {
    fc.assert(
      fc.property(rule, fc.array(fc.record({ member: fc.constantFrom("a", "b", "c"), day: fc.constantFrom("2026-05-30", "2026-05-31", "2026-06-01") }), { maxLength: 60 }), (r, events) => {
        const full: ActivityRule = { ...DEFAULT_LOYALTY_SETTINGS.activities.rules[0]!, ...r };
        const counters: CapCounters = new Map();
        const awards = events.map((e) => ({ ...e, points: awardWithinCaps(full, counters, e.member, e.day) })).filter((a) => a.points > 0);
        expectWithinCaps(full, awards);
        for (const a of awards) expect(a.points).toBeLessThanOrEqual(full.points);
        // Counted once each: the member-day counter equals what was awarded that day.
        const first = awards[0];
        if (first) expect(counters.get(capCounterKeys(full.code, first.member, first.day).memberDay)!.points).toBe(awards.filter((a) => a.member === first.member && a.day === first.day).reduce((s, a) => s + a.points, 0));
      }),
      { numRuns: 300 },
    );
  });

  it("through the consumer, random shares over days and batches never pass the caps", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(rule, fc.array(fc.record({ member: fc.constantFrom("a", "b"), hour: fc.integer({ min: 0, max: 71 }) }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 10 }), async (r, events, batch) => {
        // Events over three local days (30 May – 1 June, across a month end), sent after the last.
        clock.set("2026-06-02T16:00:00Z");
        const ws = await newWorkspace(services);
        await services.points.putSettings(systemContext(ws), { activities: { rules: [{ code: "share", name: "Share", event: "Product Shared", ...r }] } });
        const start = Date.parse("2026-05-29T16:00:00Z");
        const result = await services.ingest(
          ws,
          events.map((e) => ({ type: "track", messageId: `p-${++n}`, userId: `${e.member}-${ws}`, event: "Product Shared", timestamp: new Date(start + e.hour * 3_600_000).toISOString() })),
        );
        expect(result.errors).toEqual([]);
        while ((await services.projectNextBatch()) > 0);
        while ((await services.loyaltyActivitiesNextBatch(batch)) > 0);
        const awards = await rows<{ member: string; day: string; points: number }>(
          database.db,
          sql`select profile_id as member, day::text as day, points from activity_awards where workspace_id = ${ws}::uuid`,
        );
        expectWithinCaps({ perMemberDaily: r.perMemberDaily, perMemberMonthly: r.perMemberMonthly, dailyTotal: r.dailyTotal }, awards);
        const [sums] = await rows<{ awarded: number; earned: number }>(
          database.db,
          sql`select (select coalesce(sum(points), 0)::int from activity_awards where workspace_id = ${ws}::uuid) as awarded,
                     (select coalesce(sum(delta), 0)::int from points_entries where workspace_id = ${ws}::uuid and source = 'activity') as earned`,
        );
        expect(sums!.earned).toBe(sums!.awarded);
      }),
      { numRuns: 12 },
    );
  }, 300_000);
});
