import { sql } from "@siyu/storage/orm";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoreServices } from "../../services";
import { fixedClock } from "../../shared/clock";
import { systemContext, type WorkspaceContext } from "../../shared/context";
import { consumerHarness, expectConsistent, loyaltyServices, newWorkspace } from "../loyalty.test-helpers";
import { LOYALTY_ORDERS_CONSUMER } from "./loyalty-orders.consumer";

let database: TestDatabase;
let services: CoreServices;
// A Wednesday in Asia/Shanghai (2026-07-08 12:00 local).
const clock = fixedClock("2026-07-08T04:00:00Z");
const DAY = 86_400_000;

beforeAll(async () => {
  database = await openTestDatabase();
  services = loyaltyServices(database.db, clock);
});
afterAll(async () => {
  await database?.close();
});

const { send, drain, profileOf } = consumerHarness(() => services, clock, "m", (s) => s.loyaltyNextBatch());
const order = (userId: string, orderId: string, total: number, extra: Record<string, unknown> = {}) => ({
  type: "track",
  userId,
  event: "Order Completed",
  properties: { order_id: orderId, total, currency: "CNY", ...extra },
});

describe(`points for orders (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("waits for the profile projector, awards once per order id, releases after the pending days", async () => {
    clock.set("2026-07-08T04:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    await send(ws, [order("buyer", "o-1", 128.5)]);
    // Nothing is anchored yet: the consumer must not run ahead of the projector.
    expect(await services.loyaltyNextBatch()).toBe(0);
    await drain();
    // The same order again under another message id changes nothing.
    await send(ws, [order("buyer", "o-1", 128.5)]);
    await drain();
    const p = await profileOf(ws, "buyer");
    expect(await services.points.balance(ctx, p)).toMatchObject({ available: 0, pending: 128, lifetimeEarned: 128 });
    clock.advance(7 * DAY + 1);
    expect((await services.points.runJobs()).released).toBe(128);
    expect(await services.points.balance(ctx, p)).toMatchObject({ available: 128, pending: 0 });
    await expectConsistent(database.db, ws, p);
  });

  it("applies store, category, birthday and member-day multipliers by the stacking rule, and the daily cap", async () => {
    clock.set("2026-07-08T04:00:00Z");
    const ws = await newWorkspace(services);
    const ctx: WorkspaceContext = systemContext(ws);
    await services.points.putSettings(ctx, {
      points: { pendingDays: 0 },
      earn: { storeMultipliers: { "SH-01": 3 }, categoryMultipliers: { tea: 2 }, memberDay: { weekdays: [3], multiplier: 1.5 }, stacking: "highest", dailyCapPerMember: 1000 },
    });
    await send(ws, [{ type: "identify", userId: "fan", traits: { birthday: "1990-12-01" } }]);
    // Wednesday is a member day (×1.5); half the order is tea (×2 on that half → ×1.5 weighted): highest is 1.5.
    await send(ws, [order("fan", "o-a", 100, { products: [{ category: "tea", price: 50, quantity: 1 }, { category: "cup", price: 50, quantity: 1 }] })]);
    await drain();
    const p = await profileOf(ws, "fan");
    expect((await services.points.balance(ctx, p)).available).toBe(150);
    // The store's ×3 wins; the cap leaves 1000 - 150 for today.
    await send(ws, [order("fan", "o-b", 400, { store_id: "SH-01" })]);
    await drain();
    expect((await services.points.balance(ctx, p)).available).toBe(1000);
    const history = await services.points.history(ctx, p, { limit: 5 });
    expect(history.items[0]).toMatchObject({ kind: "earn", delta: 850, orderId: "o-b" });

    // Multiplying instead, on another day (Thursday, no member day), in the birthday month.
    await services.points.putSettings(ctx, { points: { pendingDays: 0 }, earn: { storeMultipliers: { "SH-01": 3 }, birthdayMonthMultiplier: 2, stacking: "multiply" } });
    clock.set("2026-12-03T04:00:00Z");
    await send(ws, [order("fan", "o-c", 10, { store_id: "SH-01" })]);
    await drain();
    expect((await services.points.balance(ctx, p)).available).toBe(1060);
    await expectConsistent(database.db, ws, p);
  });

  it("takes back points in proportion to a partial refund, the rest on the full refund, and gives the coupon back", async () => {
    clock.set("2026-07-08T04:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    await services.points.putSettings(ctx, { points: { pendingDays: 0 } });
    await send(ws, [order("r", "o-r", 200)]);
    await drain();
    const p = await profileOf(ws, "r");
    const template = await services.coupons.createTemplate(ctx, { name: "¥10 off", kind: "fixed", amountMinor: 1000, validity: { kind: "relative", days: 30 } });
    const { coupon } = await services.coupons.claim(ctx, template.id, p);
    await services.coupons.redeem(ctx, { code: coupon.code, orderId: "o-r", orderTotalMinor: 20000 });

    await send(ws, [{ type: "track", userId: "r", event: "Order Refunded", properties: { order_id: "o-r", total: 50, currency: "CNY" } }]);
    await drain();
    expect((await services.points.balance(ctx, p)).available).toBe(150);
    expect((await services.coupons.listOfCustomer(ctx, p))[0]!.status).toBe("redeemed");
    await send(ws, [{ type: "track", userId: "r", event: "Order Refunded", properties: { order_id: "o-r" } }]);
    await drain();
    expect(await services.points.balance(ctx, p)).toMatchObject({ available: 0, lifetimeEarned: 0 });
    expect((await services.coupons.listOfCustomer(ctx, p))[0]).toMatchObject({ status: "available", orderId: null });
    await expectConsistent(database.db, ws, p);
  });

  it("reverses pending points on a refund inside the waiting period, so nothing is released", async () => {
    clock.set("2026-07-08T04:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    await send(ws, [order("q", "o-q", 88)]);
    await drain();
    const p = await profileOf(ws, "q");
    expect((await services.points.balance(ctx, p)).pending).toBe(88);
    clock.advance(2 * DAY);
    await send(ws, [{ type: "track", userId: "q", event: "Order Refunded", properties: { order_id: "o-q" } }]);
    await drain();
    clock.advance(10 * DAY);
    expect((await services.points.runJobs()).released).toBe(0);
    expect(await services.points.balance(ctx, p)).toMatchObject({ available: 0, pending: 0 });
    await expectConsistent(database.db, ws, p);
  });

  it("applies the cap across orders of one batch and counts a repeated order id in the same batch once", async () => {
    clock.set("2026-07-09T04:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    await services.points.putSettings(ctx, { points: { pendingDays: 0 }, earn: { dailyCapPerMember: 250, memberDay: { multiplier: 1 } } });
    await send(ws, [order("capped", "c-1", 100), order("capped", "c-2", 100), order("capped", "c-2", 100), order("capped", "c-3", 100), order("other", "c-4", 30)]);
    await drain();
    const p = await profileOf(ws, "capped");
    expect((await services.points.balance(ctx, p)).available).toBe(250);
    const history = await services.points.history(ctx, p, { limit: 10 });
    expect(history.items.map((e) => [e.orderId, e.delta]).reverse()).toEqual([
      ["c-1", 100],
      ["c-2", 100],
      ["c-3", 50],
    ]);
    expect((await services.points.balance(ctx, await profileOf(ws, "other"))).available).toBe(30);
    await expectConsistent(database.db, ws, p);
  });

  it("has one effect per order even when the whole log is consumed again", async () => {
    clock.set("2026-07-08T04:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    await services.points.putSettings(ctx, { points: { pendingDays: 0 } });
    await send(ws, [order("again", "o-again", 66), { type: "track", userId: "again", event: "Order Refunded", properties: { order_id: "o-again", total: 6, currency: "CNY" } }]);
    await drain();
    const p = await profileOf(ws, "again");
    const before = await services.points.balance(ctx, p);
    expect(before.available).toBe(60);
    await database.db.execute(sql`update events_consumer_offsets set position = 0 where consumer = ${LOYALTY_ORDERS_CONSUMER}`);
    await drain();
    expect(await services.points.balance(ctx, p)).toEqual(before);
    await expectConsistent(database.db, ws, p);
  });

  it("moves points to the surviving profile when two profiles merge", async () => {
    clock.set("2026-07-08T04:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    await services.points.putSettings(ctx, { points: { pendingDays: 0 } });
    await send(ws, [order("left", "o-l", 30), { ...order("x", "o-anon", 20), userId: undefined, anonymousId: "anon-right" }]);
    await drain();
    // One identify joins the anonymous visitor to the member: one person.
    await send(ws, [{ type: "identify", userId: "left", anonymousId: "anon-right" }, order("left", "o-l2", 5)]);
    await drain();
    const p = await profileOf(ws, "left");
    expect((await services.points.balance(ctx, p)).available).toBe(55);
    await expectConsistent(database.db, ws, p);
  });
});
