import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LiabilityTotals } from "@siyu/contracts";
import type { CoreServices } from "../../services";
import { fixedClock } from "../../shared/clock";
import { systemContext } from "../../shared/context";
import { loyaltyServices, newWorkspace } from "../loyalty.test-helpers";

let database: TestDatabase;
let services: CoreServices;
const clock = fixedClock("2026-05-10T02:00:00Z");
let n = 0;

beforeAll(async () => {
  database = await openTestDatabase();
  services = loyaltyServices(database.db, clock);
});
afterAll(async () => {
  await database?.close();
});

async function send(ws: string, items: Record<string, unknown>[]) {
  const result = await services.ingest(ws, items.map((m) => ({ messageId: `m-${++n}`, timestamp: clock.now().toISOString(), ...m })));
  expect(result.errors ?? []).toEqual([]);
  while ((await services.projectNextBatch()) > 0);
  while ((await services.loyaltyNextBatch()) > 0);
}
const order = (userId: string, orderId: string, total: number, storeId: string) => ({ type: "track", userId, event: "Order Completed", properties: { order_id: orderId, total, currency: "CNY", store_id: storeId } });

/** What was seeded, as plain facts; the expected report is computed from these alone. */
interface Facts {
  points: { store: string | null; available: number; pending: number; expires: string; member: string }[];
  storedValue: { principal: number; bonus: number }[];
  cards: { store: string | null; left: number; uses: number; price: number }[];
  coupons: { store: string | null; face: number }[];
}

function expected(f: Facts, pointValue: number, store?: string | null): LiabilityTotals {
  const pick = <T extends { store: string | null }>(xs: T[]) => (store === undefined ? xs : xs.filter((x) => x.store === store));
  const sum = <T>(xs: T[], f: (x: T) => number) => xs.reduce((s, x) => s + f(x), 0);
  const t = {
    pointsAvailable: sum(pick(f.points), (p) => p.available),
    pointsPending: sum(pick(f.points), (p) => p.pending),
    storedValuePrincipalMinor: store === undefined || store === null ? sum(f.storedValue, (s) => s.principal) : 0,
    storedValueBonusMinor: store === undefined || store === null ? sum(f.storedValue, (s) => s.bonus) : 0,
    cardUses: sum(pick(f.cards), (c) => c.left),
    cardUsesValueMinor: sum(pick(f.cards), (c) => Math.round((c.left * c.price) / c.uses)),
    coupons: pick(f.coupons).length,
    couponsFaceValueMinor: sum(pick(f.coupons), (c) => c.face),
  };
  const pointsValueMinor = Math.round((t.pointsAvailable + t.pointsPending) * pointValue);
  return { ...t, pointsValueMinor, totalMinor: pointsValueMinor + t.storedValuePrincipalMinor + t.storedValueBonusMinor + t.cardUsesValueMinor + t.couponsFaceValueMinor };
}

describe(`liability report (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("matches a plain computation over the seeded points, stored value, cards and coupons — now, by store, as of a past date — and forecasts expiry by local month", async () => {
    const ws = await newWorkspace(services, "Liability brand");
    const ctx = systemContext(ws);
    await services.points.putSettings(ctx, {
      points: { expiry: { mode: "rolling", months: 3 }, pendingDays: 7 },
      storedValue: { bonusRules: [{ minTopupMinor: 10_000, bonusMinor: 1_000 }] },
      liability: { pointValueMinor: 0.5 },
    });
    await send(ws, [{ type: "identify", userId: "carol", traits: { name: "Carol" } }, { type: "identify", userId: "dave", traits: { name: "Dave" } }]);
    // t0: alice earns 200 at SH-01 (pending for 7 days).
    await send(ws, [order("alice", "o-a", 200, "SH-01")]);
    const asOf = "2026-05-11T00:00:00.000Z";

    // t1: alice's points released; bob earns 50 at BJ-01 (pending); alice redeems 20.
    clock.set("2026-05-18T02:00:00Z");
    await services.points.runJobs();
    await send(ws, [order("bob", "o-b", 50, "BJ-01")]);
    const id = async (userId: string) => (await services.profiles.list(ctx, { limit: 5, q: userId }, await services.identity.settings(ws))).items[0]!.id;
    const [alice, bob, carol, dave] = [await id("alice"), await id("bob"), await id("carol"), await id("dave")];
    await services.points.redeem(ctx, alice, { points: 20, reason: "gift", idempotencyKey: "l-r" });
    await services.points.adjust(ctx, dave, { delta: 40, reason: "x", idempotencyKey: "l-d1" });
    await services.points.redeem(ctx, dave, { points: 40, reason: "all", idempotencyKey: "l-d2" });

    await services.storedValue.topUp(ctx, alice, { amountMinor: 10_000, reference: "wx-a", idempotencyKey: "l-ta" });
    await services.storedValue.spend(ctx, alice, { amountMinor: 3_000, orderId: "sv-a", idempotencyKey: "l-sa" });
    const bobTop = await services.storedValue.topUp(ctx, bob, { amountMinor: 5_000, reference: "wx-b", idempotencyKey: "l-tb" });
    await services.storedValue.refundTopUp(ctx, bob, bobTop.transaction.id, { reason: "cash out", idempotencyKey: "l-rb" });
    await services.storedValue.topUp(ctx, carol, { amountMinor: 2_000, reference: "wx-c", idempotencyKey: "l-tc" });

    const cups = await services.cards.createProduct(ctx, { name: "12 杯卡", kind: "times", uses: 12, validityDays: 365, priceMinor: 24_000, storeIds: ["SH-01"] });
    const five = await services.cards.createProduct(ctx, { name: "5 次卡", kind: "times", uses: 5, validityDays: 365, priceMinor: 1_000 });
    const year = await services.cards.createProduct(ctx, { name: "年卡", kind: "annual", validityDays: 365, priceMinor: 36_500 });
    const aliceCard = await services.cards.issue(ctx, alice, { productId: cups.id, idempotencyKey: "l-c1" });
    await services.cards.use(ctx, aliceCard.card.id, { storeId: "SH-01", idempotencyKey: "l-u1" });
    await services.cards.use(ctx, aliceCard.card.id, { storeId: "SH-01", idempotencyKey: "l-u2" });
    await services.cards.issue(ctx, bob, { productId: five.id, idempotencyKey: "l-c2" });
    await services.cards.issue(ctx, bob, { productId: year.id, idempotencyKey: "l-c3" });
    const carolCard = await services.cards.issue(ctx, carol, { productId: five.id, idempotencyKey: "l-c4" });
    await services.cards.void(ctx, carolCard.card.id, { reason: "refund", idempotencyKey: "l-v4" });

    const fixed = await services.coupons.createTemplate(ctx, { name: "¥5", kind: "fixed", amountMinor: 500, validity: { kind: "relative", days: 90 }, storeIds: ["SH-01"], perMemberLimit: null });
    const percent = await services.coupons.createTemplate(ctx, { name: "9 折", kind: "percent", percentOff: 10, validity: { kind: "relative", days: 90 } });
    const issued = await services.coupons.issue(ctx, fixed.id, { profileIds: [alice, bob], idempotencyKey: "l-i1" });
    await services.coupons.issue(ctx, percent.id, { profileIds: [carol], idempotencyKey: "l-i2" });
    await services.coupons.redeem(ctx, { code: issued.items[1]!.coupon!.code, orderId: "o-coupon", orderTotalMinor: 2_000, storeId: "SH-01" });

    // t2: 01:00 on 1 July in Shanghai (still 30 June in UTC): carol gets 300 points, expiring 1 October local.
    clock.set("2026-06-30T17:00:00Z");
    await services.points.adjust(ctx, carol, { delta: 300, reason: "goodwill", idempotencyKey: "l-c" });

    const facts: Facts = {
      points: [
        { member: "alice", store: "SH-01", available: 200 - 20, pending: 0, expires: "2026-08" },
        { member: "bob", store: "BJ-01", available: 0, pending: 50, expires: "2026-08" },
        { member: "carol", store: null, available: 300, pending: 0, expires: "2026-10" },
      ],
      storedValue: [
        { principal: 10_000 - 3_000, bonus: 1_000 },
        { principal: 0, bonus: 0 },
        { principal: 2_000, bonus: 0 },
      ],
      cards: [
        { store: "SH-01", left: 10, uses: 12, price: 24_000 },
        { store: null, left: 5, uses: 5, price: 1_000 },
      ],
      coupons: [
        { store: "SH-01", face: 500 },
        { store: null, face: 0 },
      ],
    };

    const report = await services.liability.report(ctx);
    expect(report).toMatchObject({ currency: "CNY", pointValueMinor: 0.5, asOf: clock.now().toISOString() });
    expect(report.totals).toEqual(expected(facts, 0.5));
    expect(report.byStore.map((s) => s.storeId)).toEqual(["BJ-01", "SH-01", null]);
    for (const s of report.byStore) expect(s, String(s.storeId)).toEqual({ storeId: s.storeId, ...expected(facts, 0.5, s.storeId) });

    // As of the day after alice's order: only her pending points existed.
    const past = await services.liability.report(ctx, asOf);
    expect(past.totals).toEqual(expected({ points: [{ member: "alice", store: "SH-01", available: 0, pending: 200, expires: "2026-08" }], storedValue: [], cards: [], coupons: [] }, 0.5));
    expect(past.byStore).toEqual([]);

    const csv = await services.liability.reportCsv(ctx);
    const lines = csv.trim().split("\n");
    expect(lines[0]).toBe("as_of,store_id,points_available,points_pending,points_value_minor,stored_value_principal_minor,stored_value_bonus_minor,card_uses,card_uses_value_minor,coupons,coupons_face_value_minor,total_minor");
    const all = expected(facts, 0.5);
    const columns = ["pointsAvailable", "pointsPending", "pointsValueMinor", "storedValuePrincipalMinor", "storedValueBonusMinor", "cardUses", "cardUsesValueMinor", "coupons", "couponsFaceValueMinor", "totalMinor"] as const;
    expect(lines[1]!.split(",").slice(1)).toEqual(["(all)", ...columns.map((c) => String(all[c]))]);
    expect(lines).toHaveLength(2 + report.byStore.length);

    // Forecast: 12 local months from July 2026 (Asia/Shanghai); carol's points fall in October there, September in UTC.
    const forecast = await services.liability.expiryForecast(ctx);
    expect(forecast.timeZone).toBe("Asia/Shanghai");
    expect(forecast.months.map((m) => m.month)).toEqual(["2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12", "2027-01", "2027-02", "2027-03", "2027-04", "2027-05", "2027-06"]);
    const byMonth = new Map<string, { points: number; members: Set<string> }>();
    for (const p of facts.points) {
      const m = byMonth.get(p.expires) ?? { points: 0, members: new Set<string>() };
      m.points += p.available + p.pending;
      m.members.add(p.member);
      byMonth.set(p.expires, m);
    }
    expect(forecast.months).toEqual(
      forecast.months.map((m) => {
        const e = byMonth.get(m.month);
        return { month: m.month, points: e?.points ?? 0, members: e?.members.size ?? 0, valueMinor: Math.round((e?.points ?? 0) * 0.5) };
      }),
    );
    expect(forecast.months[1]).toMatchObject({ points: 230, members: 2 });
  });
});
