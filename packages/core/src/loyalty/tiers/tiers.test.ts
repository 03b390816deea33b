import { TierSettings } from "@siyu/contracts";
import { sql } from "@siyu/storage/orm";
import { openTestDatabase, recordingPlans, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listProfileEventsOf } from "../../profile-events";
import type { CoreServices } from "../../services";
import { fixedClock } from "../../shared/clock";
import { systemContext } from "../../shared/context";
import { loyaltyServices, newProfile, newWorkspace } from "../loyalty.test-helpers";
import { judgeTier, recalculateTiers, type TierState } from "./tiers";

const DAY = 86_400_000;
const settings = TierSettings.parse({});
const yearStart = new Date("2025-12-31T16:00:00Z");
const at = (iso: string) => new Date(iso);
const state = (tier: string, since: string, extra: Partial<TierState> = {}): TierState => ({ tier, since: at(since), belowSince: null, lastInactivityDropAt: null, ...extra });
const inputs = (growth: number, extra: { previousGrowth?: number; recentOrders?: number } = {}) => ({ growth, previousGrowth: 0, recentOrders: 1, yearStart, ...extra });

describe("tier rules", () => {
  it("start at the first level and upgrade at once, several levels if earned", () => {
    const now = at("2026-03-01T00:00:00Z");
    expect(judgeTier(settings, null, inputs(0), now).state.tier).toBe("bronze");
    expect(judgeTier(settings, state("bronze", "2026-01-01T00:00:00Z"), inputs(8000), now)).toMatchObject({ state: { tier: "platinum" }, reason: "upgrade" });
  });

  it("rolling window: keep the level for the grace days after falling below, then drop to the level earned", () => {
    const gold = state("gold", "2025-06-01T00:00:00Z");
    const first = judgeTier(settings, gold, inputs(1500), at("2026-03-01T00:00:00Z"));
    expect(first).toMatchObject({ state: { tier: "gold", belowSince: at("2026-03-01T00:00:00Z") }, reason: null });
    expect(judgeTier(settings, first.state, inputs(1500), at("2026-03-20T00:00:00Z")).state.tier).toBe("gold");
    // Back above: the clock resets.
    expect(judgeTier(settings, first.state, inputs(3000), at("2026-03-20T00:00:00Z")).state.belowSince).toBeNull();
    expect(judgeTier(settings, first.state, inputs(1500), at("2026-03-31T00:00:00Z"))).toMatchObject({ state: { tier: "silver" }, reason: "downgrade" });
  });

  it("calendar year: last year's level holds until the grace after 1 January, then this and last year's growth decide", () => {
    const calendar = TierSettings.parse({ window: "calendar_year", downgradeGraceDays: 30 });
    const gold = state("gold", "2025-05-01T00:00:00Z");
    expect(judgeTier(calendar, gold, inputs(0, { previousGrowth: 3500 }), at("2026-01-20T00:00:00Z")).state.tier).toBe("gold");
    expect(judgeTier(calendar, gold, inputs(0, { previousGrowth: 3500 }), at("2026-02-15T00:00:00Z")).state.tier).toBe("gold");
    expect(judgeTier(calendar, gold, inputs(200, { previousGrowth: 1200 }), at("2026-02-15T00:00:00Z"))).toMatchObject({ state: { tier: "silver" }, reason: "downgrade" });
    // Reached this year: no downgrade at all.
    expect(judgeTier(calendar, state("gold", "2026-01-10T00:00:00Z"), inputs(0), at("2026-12-01T00:00:00Z")).state.tier).toBe("gold");
  });

  it("inactivity rule: fewer than 1 order in 30 days drops one level, at most once per 30 days", () => {
    const rule = TierSettings.parse({ inactivityDrop: { enabled: true, days: 30, minOrders: 1 } });
    const gold = state("gold", "2025-06-01T00:00:00Z");
    const dropped = judgeTier(rule, gold, inputs(5000, { recentOrders: 0 }), at("2026-03-01T00:00:00Z"));
    expect(dropped).toMatchObject({ state: { tier: "silver" }, reason: "inactivity" });
    // The old growth does not lift an inactive member back to gold; no second drop within 30 days.
    const again = judgeTier(rule, { ...dropped.state }, inputs(5000, { recentOrders: 0 }), at("2026-03-10T00:00:00Z"));
    expect(again.state.tier).toBe("silver");
    expect(judgeTier(rule, again.state, inputs(5000, { recentOrders: 0 }), at(new Date(at("2026-03-01T00:00:00Z").getTime() + 31 * DAY).toISOString())).state.tier).toBe("bronze");
    // A new order makes the member active: growth counts again at once.
    expect(judgeTier(rule, again.state, inputs(5000, { recentOrders: 1 }), at("2026-03-11T00:00:00Z"))).toMatchObject({ state: { tier: "gold" }, reason: "upgrade" });
  });

  it("validates levels: first at 0, rising thresholds, unique codes", () => {
    const bad = TierSettings.safeParse({ levels: [{ code: "a", name: "A", threshold: 10 }, { code: "a", name: "B", threshold: 5 }] });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join("."))).toEqual(["levels.0.threshold", "levels.1.threshold", "levels.1.code"]);
  });
});

let database: TestDatabase;
let services: CoreServices;
const clock = fixedClock("2026-03-02T04:00:00Z");
let n = 0;

beforeAll(async () => {
  database = await openTestDatabase();
  services = loyaltyServices(database.db, clock);
});
afterAll(async () => {
  await database?.close();
});

describe(`tiers from orders (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("upgrades with the order that earns it, multiplies later points, and downgrades after the grace once refunds take growth away", async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    await services.points.putSettings(ctx, { points: { pendingDays: 0 }, earn: { birthdayMonthMultiplier: 1, memberDay: { multiplier: 1 } } });
    const send = async (items: Record<string, unknown>[]) => {
      const result = await services.ingest(ws, items.map((m) => ({ messageId: `t-${++n}`, timestamp: clock.now().toISOString(), ...m })));
      expect(result.errors ?? []).toEqual([]);
      while ((await services.projectNextBatch()) > 0);
      while ((await services.loyaltyNextBatch()) > 0);
    };
    const order = (id: string, total: number) => ({ type: "track", userId: "vip", event: "Order Completed", properties: { order_id: id, total, currency: "CNY" } });
    await send([order("t-1", 2999)]);
    const page = await services.profiles.list(ctx, { limit: 1, q: "vip" }, await services.identity.settings(ws));
    const p = page.items[0]!.id;
    expect(await services.points.tier(ctx, p)).toMatchObject({ tier: { code: "silver" }, growth: 2999, next: { code: "gold", remaining: 1 } });
    await send([order("t-2", 100)]);
    // Gold (×1.5) applies from the order after the one that reached it: t-2 earned at silver's ×1.2.
    expect((await services.points.tier(ctx, p)).tier.code).toBe("gold");
    expect((await services.points.history(ctx, p, { limit: 1 })).items[0]!.delta).toBe(120);
    await send([order("t-3", 100)]);
    expect((await services.points.history(ctx, p, { limit: 1 })).items[0]!.delta).toBe(150);
    const events = (await listProfileEventsOf(database.db, ws, [p], { limit: 50 })).reverse();
    expect(events.filter((e) => e.kind === "loyalty_tier.changed").map((e) => [e.payload.from, e.payload.to])).toEqual([
      [null, "silver"],
      ["silver", "gold"],
    ]);

    // Refunding the big order: growth 200, below gold; kept for 30 days, then bronze.
    await send([{ type: "track", userId: "vip", event: "Order Refunded", properties: { order_id: "t-1" } }]);
    expect(await services.points.tier(ctx, p)).toMatchObject({ tier: { code: "gold" }, growth: 200 });
    clock.advance(31 * DAY);
    expect(await services.points.runTierJob()).toBe(1);
    expect((await services.points.tier(ctx, p)).tier.code).toBe("bronze");
    expect(await services.points.runTierJob()).toBe(0);
  });
});

describe(`tiers of a batch's members (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("reads only those members' orders, through their identifiers, however many orders the workspace has", async () => {
    const ws = await newWorkspace(services, "Busy brand");
    // 30,000 orders of 10,000 other customers in the window, and two orders of the member.
    await database.db.execute(sql`
      insert into identity_identifiers (id, workspace_id, type, value, profile_id, origin_profile_id, first_seen_at)
      select gen_random_uuid(), ${ws}::uuid, 'user_id', 'u-' || g, p, p, now() from generate_series(1, 10000) g, gen_random_uuid() p`);
    await database.db.execute(sql`
      insert into orders (workspace_id, order_id, identifier_id, status, total_minor, currency, ordered_at, message_id)
      select ${ws}::uuid, 'o-' || g, i.id, 'completed', 10000, 'CNY', ${clock.now().toISOString()}::timestamptz - (g % 300) * interval '1 day', 'm-' || g
      from generate_series(1, 30000) g join identity_identifiers i on i.workspace_id = ${ws}::uuid and i.value = 'u-' || (1 + g % 10000)`);
    const profile = await newProfile(database.db, ws);
    const member = (await database.db.execute(sql`
      insert into identity_identifiers (id, workspace_id, type, value, profile_id, origin_profile_id, first_seen_at)
      values (gen_random_uuid(), ${ws}::uuid, 'phone', '+8613800000000', ${profile}::uuid, ${profile}::uuid, now()) returning id`)) as unknown as { rows: { id: string }[] };
    const identifier = member.rows[0]!.id;
    await database.db.execute(sql`
      insert into orders (workspace_id, order_id, identifier_id, status, total_minor, currency, ordered_at, message_id)
      values (${ws}::uuid, 'mine-1', ${identifier}::uuid, 'completed', 250000, 'CNY', ${clock.now().toISOString()}::timestamptz - interval '3 days', 'mine-1'),
             (${ws}::uuid, 'mine-2', ${identifier}::uuid, 'completed', 80000, 'CNY', ${clock.now().toISOString()}::timestamptz - interval '40 days', 'mine-2')`);
    await database.db.execute(sql`analyze orders`);
    await database.db.execute(sql`analyze identity_identifiers`);

    const { db, plans } = recordingPlans(database.db);
    await recalculateTiers(db, ws, clock.now(), [profile]);
    expect(await services.points.tier(systemContext(ws), profile)).toMatchObject({ tier: { code: "gold" }, growth: 3300 });
    const spend = plans.find((p) => /sum\(o.total_minor/.test(p.sql))!.plan;
    expect(spend).not.toMatch(/Seq Scan on (orders|identity_identifiers)/);
    expect(spend).toMatch(/Index Scan (using|on) orders_identifier_idx/);
    expect(spend.match(/Index Cond: \(\(workspace_id = [^\n]*profile_id = ANY/)).not.toBeNull();
  });
});
