import { sql } from "@siyu/storage/orm";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreateCouponTemplateInput } from "@siyu/contracts";
import type { CoreServices } from "../../services";
import { fixedClock } from "../../shared/clock";
import { systemContext } from "../../shared/context";
import { expectConsistent, loyaltyServices, newProfile, newWorkspace } from "../loyalty.test-helpers";
import { newCouponCode } from "./coupons.ledger";

let database: TestDatabase;
let services: CoreServices;
const clock = fixedClock("2026-05-01T02:00:00Z");
const DAY = 86_400_000;
let order = 0;

beforeAll(async () => {
  database = await openTestDatabase();
  services = loyaltyServices(database.db, clock);
});
afterAll(async () => {
  await database?.close();
});

const relative = { kind: "relative" as const, days: 10 };

describe(`coupons (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("computes each kind's discount", async () => {
    clock.set("2026-05-01T02:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const p = await newProfile(database.db, ws);
    const cases: [CreateCouponTemplateInput, number, number][] = [
      [{ name: "¥20", kind: "fixed", amountMinor: 2000, validity: relative }, 1500, 1500],
      [{ name: "15% ≤ ¥10", kind: "percent", percentOff: 15, capMinor: 1000, validity: relative }, 10000, 1000],
      [{ name: "15%", kind: "percent", percentOff: 15, validity: relative }, 3333, 499],
      [{ name: "满100减20", kind: "threshold", amountMinor: 2000, thresholdMinor: 10000, validity: relative }, 10000, 2000],
      [{ name: "Shipping", kind: "shipping", amountMinor: 800, validity: relative }, 5000, 800],
      [{ name: "Free cup", kind: "free_item", itemSku: "CUP-1", validity: relative }, 5000, 0],
    ];
    for (const [body, total, discount] of cases) {
      const t = await services.coupons.createTemplate(ctx, body);
      const { coupon } = await services.coupons.claim(ctx, t.id, p);
      const r = await services.coupons.redeem(ctx, { code: coupon.code, orderId: `o-${++order}`, orderTotalMinor: total });
      expect([body.name, r.coupon.discountMinor]).toEqual([body.name, discount]);
    }
  });

  it("expires after N days from issue: reads show it, the job records it, redemption is refused, a late refund leaves it expired", async () => {
    clock.set("2026-05-01T02:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const p = await newProfile(database.db, ws);
    const t = await services.coupons.createTemplate(ctx, { name: "10 days", kind: "fixed", amountMinor: 100, validity: relative, perMemberLimit: null });
    const a = (await services.coupons.claim(ctx, t.id, p)).coupon;
    const b = (await services.coupons.claim(ctx, t.id, p)).coupon;
    expect(a.validUntil).toBe("2026-05-11T02:00:00.000Z");
    await services.coupons.redeem(ctx, { code: b.code, orderId: "late-refund", orderTotalMinor: 1000 });
    clock.advance(10 * DAY);
    expect((await services.coupons.listOfCustomer(ctx, p)).find((c) => c.id === a.id)!.status).toBe("expired");
    expect(await services.coupons.runExpiry()).toBeGreaterThanOrEqual(1);
    expect(await services.coupons.runExpiry()).toBe(0);
    await expect(services.coupons.redeem(ctx, { code: a.code, orderId: "x", orderTotalMinor: 1000 })).rejects.toMatchObject({ code: "loyalty.coupon_expired", status: 422 });
    const back = await services.coupons.restoreForOrder(ctx, "late-refund");
    expect(back.map((c) => c.status)).toEqual(["expired"]);
  });

  it("counts the per-member daily limit by the workspace's local day", async () => {
    // 23:30 in Shanghai on 1 May.
    clock.set("2026-05-01T15:30:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const p = await newProfile(database.db, ws);
    const t = await services.coupons.createTemplate(ctx, { name: "Daily", kind: "fixed", amountMinor: 100, validity: relative, perMemberLimit: 5, perMemberDailyLimit: 1 });
    await services.coupons.claim(ctx, t.id, p);
    await expect(services.coupons.claim(ctx, t.id, p)).rejects.toMatchObject({ code: "loyalty.limit_reached", details: { limit: "perMemberDaily" } });
    clock.advance(60 * 60_000); // 00:30 on 2 May in Shanghai, still 1 May in UTC
    await services.coupons.claim(ctx, t.id, p);
  });

  it("pausing stops issuing; a merged-away profile's coupons move to the survivor", async () => {
    clock.set("2026-05-01T02:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const [survivor, absorbed] = [await newProfile(database.db, ws), await newProfile(database.db, ws)];
    const body: CreateCouponTemplateInput = { name: "One each", kind: "fixed", amountMinor: 100, validity: relative };
    const t = await services.coupons.createTemplate(ctx, body);
    await services.coupons.claim(ctx, t.id, absorbed);
    await database.db.execute(sql`update profiles set merged_into = ${survivor}::uuid where id = ${absorbed}::uuid`);
    await services.coupons.runExpiry();
    expect(await services.coupons.listOfCustomer(ctx, survivor)).toHaveLength(1);
    // The person already holds their one coupon.
    await expect(services.coupons.claim(ctx, t.id, survivor)).rejects.toMatchObject({ code: "loyalty.limit_reached" });
    await services.coupons.updateTemplate(ctx, t.id, { ...body, perMemberLimit: null, status: "paused" });
    await expect(services.coupons.claim(ctx, t.id, survivor)).rejects.toMatchObject({ code: "loyalty.template_inactive" });
  });

  it("exchanges points for a coupon all or nothing, once per key", async () => {
    clock.set("2026-05-01T02:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const p = await newProfile(database.db, ws);
    await services.points.adjust(ctx, p, { delta: 250, reason: "seed", idempotencyKey: "seed" });
    const t = await services.coupons.createTemplate(ctx, { name: "100 points", kind: "fixed", amountMinor: 500, validity: relative, totalStock: 2, perMemberLimit: null, pointsCost: 100 });
    const first = await services.coupons.exchange(ctx, p, { templateId: t.id, idempotencyKey: "x-1" });
    expect(first).toMatchObject({ replayed: false, balance: { available: 150 }, entry: { kind: "redeem", delta: -100 } });
    const again = await services.coupons.exchange(ctx, p, { templateId: t.id, idempotencyKey: "x-1" });
    expect(again).toMatchObject({ replayed: true, coupon: { id: first.coupon.id }, balance: { available: 150 } });
    await services.coupons.exchange(ctx, p, { templateId: t.id, idempotencyKey: "x-2" });
    // Out of stock: no points taken.
    await expect(services.coupons.exchange(ctx, p, { templateId: t.id, idempotencyKey: "x-3" })).rejects.toMatchObject({ code: "loyalty.out_of_stock" });
    expect((await services.points.balance(ctx, p)).available).toBe(50);
    // Too few points: no coupon issued.
    const big = await services.coupons.createTemplate(ctx, { name: "Big", kind: "fixed", amountMinor: 500, validity: relative, pointsCost: 51 });
    await expect(services.coupons.exchange(ctx, p, { templateId: big.id, idempotencyKey: "x-4" })).rejects.toMatchObject({ code: "loyalty.insufficient_points" });
    expect((await services.coupons.getTemplate(ctx, big.id)).issuedCount).toBe(0);
    const free = await services.coupons.createTemplate(ctx, { name: "Not for points", kind: "fixed", amountMinor: 500, validity: relative });
    await expect(services.coupons.exchange(ctx, p, { templateId: free.id, idempotencyKey: "x-5" })).rejects.toMatchObject({ code: "loyalty.not_exchangeable" });
    expect((await services.coupons.getTemplate(ctx, free.id)).issuedCount).toBe(0);
    await expect(services.coupons.exchange(ctx, p, { templateId: big.id, idempotencyKey: "x-1" })).rejects.toMatchObject({ code: "loyalty.idempotency_conflict" });
    await expectConsistent(database.db, ws, p);
  });

  it("makes unguessable codes: 80 random bits, no look-alike letters", () => {
    const codes = new Set(Array.from({ length: 5000 }, () => newCouponCode()));
    expect(codes.size).toBe(5000);
    for (const c of codes) expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{16}$/);
  });
});
