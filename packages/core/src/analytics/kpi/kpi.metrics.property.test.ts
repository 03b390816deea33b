import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { openWarehouse, type Warehouse } from "@siyu/storage";
import { sql } from "@siyu/storage/orm";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { DEFAULT_ANALYTICS_SETTINGS, type AcquisitionCostDto, type AnalyticsSettingsDto, type KpiMetricDto } from "@siyu/contracts";
import { systemClock } from "../../shared/clock";
import { newId } from "../../shared/ids";
import { rollUpEvents } from "../../warehouse";
import { zonedMidnight } from "../../shared/local-time";
import { createCost } from "./acquisition-costs";
import { periodOf, shiftDay, windowsOf } from "./kpi-period";
import { referenceAcquired, referenceMetrics, type RefCoupon, type RefEvent, type RefMessage, type RefPointsEntry, type RefProfile } from "./kpi.reference";
import { computeMetrics } from "./kpi.service";

// Every dashboard metric, computed by the warehouse SQL on a real DuckDB, equals the plain
// TypeScript reference (kpi.reference.ts) on random data: orders sent twice, partial, exact and whole
// refunds landing before, inside and after the period, events a millisecond either side of local
// midnight in three zones (one with DST), stores by id and by code, page views among the events, empty periods. The metrics read
// from PostgreSQL — messages sent, points outstanding, coupon liability — over random outbox rows
// and ledger entries written to the store as the dispatcher and the loyalty module write them.

const STORE = { id: "0190a000-0000-7000-8000-00000000a001", code: "SH-1" };
const STORE_VALUES = [STORE.id, STORE.code, "BJ-2", null];
const ZONES = ["Asia/Shanghai", "UTC", "America/New_York"];
const BASE_DAY = "2026-03-10";
const EVENTS = ["Product Viewed", "App Opened", "Referral Invite Sent", "Referral Completed", "Survey Submitted"];
const CHANNELS = ["douyin", "wecom", ""];
const CAMPAIGNS = ["spring", "summer"];
const pid = (i: number) => `0190a000-0000-7000-8000-${String(i).padStart(12, "0")}`;
const identifierOf = (profileId: string) => `ffffffff${profileId.slice(8)}`;

let db: TestDatabase;
let warehouse: Warehouse;
beforeAll(async () => {
  db = await openTestDatabase();
  warehouse = await openWarehouse({ dataDir: null });
  await warehouse.migrate();
});
afterAll(async () => {
  await warehouse.close();
  await db.close();
});

interface Case {
  timeZone: string;
  profiles: RefProfile[];
  events: RefEvent[];
  messages: RefMessage[];
  pointsEntries: RefPointsEntry[];
  coupons: RefCoupon[];
  costs: Omit<AcquisitionCostDto, "id" | "createdAt" | "updatedAt">[];
  from: string;
  days: number;
  byStore: boolean;
  churnDays: number;
  acquisitionWindowDays: number;
}

/** An instant near a local midnight: a millisecond before, at, after, or somewhere in the day. */
const instantArb = (timeZone: string) =>
  fc.tuple(fc.integer({ min: -45, max: 12 }), fc.constantFrom(-1, 0, 1, 3_600_000, 86_399_999, 43_200_000)).map(([d, ms]) => {
    const [y, m, day] = shiftDay(BASE_DAY, d).split("-").map(Number) as [number, number, number];
    return new Date(zonedMidnight(y, m, day, timeZone).getTime() + ms);
  });

const amountArb = fc.integer({ min: 0, max: 400 }).map((q) => q / 4); // exact in binary: sums do not depend on their order

const caseArb: fc.Arbitrary<Case> = fc.constantFrom(...ZONES).chain((timeZone) => {
  const at = instantArb(timeZone);
  const profile = (i: number) =>
    fc.record({
      firstSeenAt: fc.option(at, { nil: null, freq: 8 }),
      channel: fc.constantFrom(...CHANNELS),
      campaign: fc.option(fc.constantFrom(...CAMPAIGNS), { nil: undefined }),
    }).map((p): RefProfile => ({ id: pid(i), firstSeenAt: p.firstSeenAt, traits: { source_channel: p.channel, ...(p.campaign ? { utm_campaign: p.campaign } : {}) } }));
  const activity = fc.record({
    profile: fc.option(fc.integer({ min: 0, max: 7 }), { nil: null, freq: 8 }),
    // Page views (no event name) make a customer active too.
    event: fc.constantFrom(...EVENTS, null),
    ts: at,
    store: fc.constantFrom(...STORE_VALUES),
    score: fc.oneof(fc.integer({ min: 0, max: 10 }), fc.constantFrom(11, -1, 7.5)),
    source: fc.option(fc.constantFrom("douyin", "tmall"), { nil: null }),
  });
  const order = fc.record({
    profile: fc.option(fc.integer({ min: 0, max: 7 }), { nil: null, freq: 10 }),
    ts: at,
    store: fc.constantFrom(...STORE_VALUES),
    amount: amountArb,
    sentTwice: fc.boolean(),
    // A refund of part, of exactly the order's amount, or of the whole order (no amount).
    refunds: fc.array(fc.record({ ts: at, amount: fc.oneof(amountArb, amountArb, fc.constant("all" as const), fc.constant(null)) }), { maxLength: 2 }),
  });
  const cost = fc.record({
    kind: fc.constantFrom("channel" as const, "campaign" as const),
    key: fc.constantFrom("douyin", "spring"),
    start: fc.integer({ min: -40, max: 10 }),
    length: fc.integer({ min: 0, max: 20 }),
    amountMinor: fc.integer({ min: 0, max: 100_000 }),
    byStore: fc.boolean(),
  });
  const message = fc.record({
    channel: fc.constantFrom("sms", "wecom", "inbox", "webhook"),
    status: fc.constantFrom("delivered", "pending_confirmation", "sending", "failed", "suppressed", "queued"),
    sentAt: fc.option(at, { nil: null, freq: 6 }),
  });
  const entry = fc.record({
    profileId: fc.integer({ min: 0, max: 3 }).map(pid),
    delta: fc.integer({ min: -60, max: 100 }),
    pendingDelta: fc.integer({ min: -20, max: 40 }),
    createdAt: at,
  });
  const coupon = fc.record({
    kind: fc.constantFrom("fixed", "threshold", "shipping", "percent", "free_item"),
    amountMinor: fc.option(fc.integer({ min: 1, max: 5_000 }), { nil: null, freq: 6 }),
    issuedAt: at,
    validUntil: at,
    redeemedAt: fc.option(at, { nil: null }),
  });
  return fc.record({
    timeZone: fc.constant(timeZone),
    profiles: fc.tuple(...Array.from({ length: 8 }, (_, i) => profile(i))),
    messages: fc.array(message, { maxLength: 12 }),
    pointsEntries: fc.array(entry, { maxLength: 12 }),
    coupons: fc.array(coupon, { maxLength: 8 }),
    activity: fc.array(activity, { maxLength: 40 }),
    orders: fc.array(order, { maxLength: 25 }),
    costs: fc.array(cost, { maxLength: 4 }),
    fromOffset: fc.integer({ min: -20, max: 8 }),
    days: fc.integer({ min: 1, max: 12 }),
    byStore: fc.boolean(),
    churnDays: fc.integer({ min: 1, max: 20 }),
    acquisitionWindowDays: fc.constantFrom(0, 1, 3, 7, 100),
  }).map((raw): Case => {
    const events: RefEvent[] = [];
    const push = (e: Omit<RefEvent, "seq">) => events.push({ ...e, seq: events.length + 1 });
    for (const a of raw.activity) {
      push({
        profileId: a.profile === null ? null : pid(a.profile),
        event: a.event,
        ts: a.ts,
        storeId: a.store,
        orderId: null,
        revenue: null,
        properties: a.event === "Survey Submitted" ? { score: a.score } : {},
        context: a.source ? { campaign: { source: a.source, name: "spring" } } : {},
      });
    }
    raw.orders.forEach((o, i) => {
      const completed = { profileId: o.profile === null ? null : pid(o.profile), event: "Order Completed", ts: o.ts, storeId: o.store, orderId: `o${i}`, revenue: o.amount, properties: {}, context: {} };
      push(completed);
      for (const r of o.refunds) push({ ...completed, event: "Order Refunded", ts: r.ts, revenue: r.amount === "all" ? o.amount : r.amount, storeId: null });
      if (o.sentTwice) push(completed);
    });
    return {
      timeZone,
      profiles: raw.profiles,
      events,
      messages: raw.messages,
      pointsEntries: raw.pointsEntries,
      coupons: raw.coupons,
      costs: raw.costs.map((c) => ({
        kind: c.kind,
        key: c.key,
        from: shiftDay(BASE_DAY, c.start),
        to: shiftDay(BASE_DAY, c.start + c.length),
        amountMinor: c.amountMinor,
        storeId: c.byStore ? STORE.id : null,
        note: null,
      })),
      from: shiftDay(BASE_DAY, raw.fromOffset),
      days: raw.days,
      byStore: raw.byStore,
      churnDays: raw.churnDays,
      acquisitionWindowDays: raw.acquisitionWindowDays,
    };
  });
});

// The log's seq is unique across workspaces: each case's events follow the last case's.
let loadedThrough = 0;

async function load(workspaceId: string, c: Case): Promise<void> {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  const base = loadedThrough;
  loadedThrough += c.events.length;
  await warehouse.transaction(async (tx) => {
    await tx.append("profiles", c.profiles.map((p) => [workspaceId, p.id, null, null, null, iso(p.firstSeenAt), iso(p.firstSeenAt), 0, 0, 0, null, JSON.stringify(p.traits)]));
    await tx.append("profile_identifiers", c.profiles.map((p) => [workspaceId, identifierOf(p.id), "user_id", p.id, p.id]));
    await tx.append(
      "events",
      c.events.map((e) => [
        workspaceId, base + e.seq, `m${base + e.seq}`, e.event === null ? "page" : "track", e.event, null, null, iso(e.ts), iso(e.ts),
        e.profileId ? identifierOf(e.profileId) : null, null, null, null, null, e.storeId, e.orderId, null, e.revenue, null,
        JSON.stringify(e.properties), JSON.stringify(e.context), "{}",
      ]),
    );
    await rollUpEvents(tx, loadedThrough);
  });
  await loadLedgers(workspaceId, c);
}

/** The outbox rows and loyalty ledger rows of a case, with only the columns the store requires besides. */
async function loadLedgers(workspaceId: string, c: Case): Promise<void> {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  for (const [i, m] of c.messages.entries()) {
    await db.db.execute(sql`insert into messages (id, workspace_id, idempotency_key, profile_id, channel, category, purpose, variables, status, source_kind, created_at, sent_at)
      values (${newId()}, ${workspaceId}, ${`m${i}`}, ${pid(0)}, ${m.channel}, 'targeted', 'marketing', '{}', ${m.status}, 'api', now(), ${iso(m.sentAt)})`);
  }
  for (const e of c.pointsEntries) {
    await db.db.execute(sql`insert into points_entries (id, workspace_id, profile_id, kind, delta, pending_delta, source, created_at)
      values (${newId()}, ${workspaceId}, ${e.profileId}, 'adjust', ${e.delta}, ${e.pendingDelta}, 'test', ${iso(e.createdAt)})`);
  }
  for (const [i, k] of c.coupons.entries()) {
    const template = newId();
    await db.db.execute(sql`insert into coupon_templates (id, workspace_id, name, kind, amount_minor, validity, status, created_at, updated_at)
      values (${template}, ${workspaceId}, 'T', ${k.kind}, ${k.amountMinor}, '{"kind":"relative","days":30}', 'active', now(), now())`);
    await db.db.execute(sql`insert into coupons (id, workspace_id, template_id, profile_id, code, status, issue_day, issued_at, valid_from, valid_until, redeemed_at)
      values (${newId()}, ${workspaceId}, ${template}, ${pid(0)}, ${`C${i}`}, ${k.redeemedAt ? "redeemed" : "available"}, '2026-03-01',
        ${iso(k.issuedAt)}, ${iso(k.issuedAt)}, ${iso(k.validUntil)}, ${iso(k.redeemedAt)})`);
  }
}

function compare(got: KpiMetricDto[], want: ReturnType<typeof referenceMetrics>, label: string) {
  for (const [key, expected] of Object.entries(want)) {
    const m = got.find((x) => x.key === key);
    expect(m, key).toBeDefined();
    const close = (a: number | null, b: number | null, what: string) => {
      if (b === null || a === null) expect(a, `${label} ${key} ${what}`).toBe(b);
      else expect(a, `${label} ${key} ${what}`).toBeCloseTo(b, 6);
    };
    close(m!.value, expected.value, "value");
    close(m!.previous, expected.previous, "previous");
    if (expected.series) {
      expect(m!.series.length, `${label} ${key} series length`).toBe(expected.series.length);
      expected.series.forEach((v, i) => close(m!.series[i]!.value, v, `series[${i}]`));
    }
  }
}

describe("KPI metrics against the plain TypeScript reference", () => {
  it("agree on random data across zones, stores, refunds and period edges", async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const workspaceId = newId();
        await load(workspaceId, c);
        const ctx = { workspaceId, actor: { type: "system" as const, id: null, name: "test" }, storeIds: null, ip: null };
        const costs: AcquisitionCostDto[] = [];
        for (const cost of c.costs) {
          costs.push(await createCost({ db: db.db, clock: systemClock, existingStores: async () => new Set([STORE.id]) }, ctx, cost));
        }
        const settings: AnalyticsSettingsDto = { ...DEFAULT_ANALYTICS_SETTINGS, churnDays: c.churnDays, acquisitionWindowDays: c.acquisitionWindowDays };
        const w = windowsOf(periodOf(c.from, shiftDay(c.from, c.days - 1), c.timeZone), c.timeZone);
        const store = c.byStore ? STORE : null;
        const scope = { workspaceId, timeZone: c.timeZone, minorPer: 100, store };
        const got = await computeMetrics({ db: db.db }, warehouse, scope, w, settings);
        const want = referenceMetrics({ ...c, costs, w, store, settings });
        compare(got.metrics, want, `${c.timeZone} ${c.from}+${c.days} store=${c.byStore}`);
        // Each cost's new members: acquired through its channel or campaign (traits, else a first touch in the window).
        const acquired = referenceAcquired({ ...c, costs, w, store, settings });
        for (const row of got.cacBreakdown) expect(row.newMembers, `${row.kind} ${row.key} window ${c.acquisitionWindowDays}`).toBe(acquired.get(`${row.kind}:${row.key}`) ?? 0);
      }),
      { numRuns: 60 },
    );
  }, 300_000);

  it("credits a new member to the campaign of a first touch only within the acquisition window", async () => {
    const workspaceId = newId();
    const ctx = { workspaceId, actor: { type: "system" as const, id: null, name: "test" }, storeIds: null, ip: null };
    const day = (d: number) => new Date(Date.UTC(2026, 2, d, 4));
    // Both seen first on 2 March without acquisition traits; the first carries the spring campaign a day later, the second ten days later.
    const profiles: RefProfile[] = [pid(900), pid(901)].map((id) => ({ id, firstSeenAt: day(2), traits: {} }));
    const touch = (profileId: string, d: number, seq: number): RefEvent => ({
      seq, profileId, event: "Promotion Clicked", ts: day(d), storeId: null, orderId: null, revenue: null, properties: {}, context: { campaign: { source: "douyin", name: "spring" } },
    });
    const c: Case = {
      timeZone: "Asia/Shanghai", profiles, events: [touch(pid(900), 3, 1), touch(pid(901), 12, 2)], messages: [], pointsEntries: [], coupons: [], costs: [],
      from: "2026-03-01", days: 14, byStore: false, churnDays: 90, acquisitionWindowDays: 7,
    };
    await load(workspaceId, c);
    for (const cost of [{ kind: "channel" as const, key: "douyin" }, { kind: "campaign" as const, key: "spring" }]) {
      await createCost({ db: db.db, clock: systemClock, existingStores: async () => new Set() }, ctx, { ...cost, from: "2026-03-01", to: "2026-03-14", amountMinor: 1_400, storeId: null, note: null });
    }
    const w = windowsOf(periodOf("2026-03-01", "2026-03-14", "Asia/Shanghai"), "Asia/Shanghai");
    const scope = { workspaceId, timeZone: "Asia/Shanghai", minorPer: 100, store: null };
    const members = async (acquisitionWindowDays: number) =>
      (await computeMetrics({ db: db.db }, warehouse, scope, w, { ...DEFAULT_ANALYTICS_SETTINGS, acquisitionWindowDays })).cacBreakdown.map((r) => [r.kind, r.newMembers]);
    expect(await members(7)).toEqual([["channel", 1], ["campaign", 1]]);
    expect(await members(10)).toEqual([["channel", 2], ["campaign", 2]]);
  });

  it("answers an empty workspace with zeros and nulls, never NaN", async () => {
    const workspaceId = newId();
    const w = windowsOf(periodOf("2026-03-01", "2026-03-07", "Asia/Shanghai"), "Asia/Shanghai");
    const got = await computeMetrics({ db: db.db }, warehouse, { workspaceId, timeZone: "Asia/Shanghai", minorPer: 100, store: null }, w, DEFAULT_ANALYTICS_SETTINGS);
    const byKey = Object.fromEntries(got.metrics.map((m) => [m.key, m]));
    expect(byKey.orders).toMatchObject({ value: 0, previous: 0, change: 0, changeRatio: null });
    expect(byKey.gmv!.series).toHaveLength(7);
    expect(byKey.averageOrderValue!.value).toBeNull();
    expect(byKey.repurchaseCycleDays!.value).toBeNull();
    expect(byKey.cac!.value).toBeNull();
    expect(byKey.nps!.value).toBeNull();
    expect(byKey.kFactor!.value).toBeNull();
    for (const m of got.metrics) for (const v of [m.value, m.previous, ...m.series.map((p) => p.value)]) expect(Number.isNaN(v)).toBe(false);
  });
});
