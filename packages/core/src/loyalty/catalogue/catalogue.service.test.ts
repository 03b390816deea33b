import { sql } from "@siyu/storage/orm";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CatalogueItemInput } from "@siyu/contracts";
import type { CoreServices } from "../../services";
import { fixedClock } from "../../shared/clock";
import { systemContext } from "../../shared/context";
import { expectConsistent, loyaltyServices, newProfile, newWorkspace } from "../loyalty.test-helpers";
import { rows } from "../points/points.ledger";

let database: TestDatabase;
let services: CoreServices;
const clock = fixedClock("2026-05-01T02:00:00Z");
let serial = 0;
const key = () => `k-${++serial}`;

beforeAll(async () => {
  database = await openTestDatabase();
  services = loyaltyServices(database.db, clock);
});
afterAll(async () => {
  await database?.close();
});

const tumbler: CatalogueItemInput = { kind: "goods", sku: "TUMBLER-1", name: "Tea tumbler", pointsCost: 500, stock: 3 };

async function member(ws: string, points: number) {
  const p = await newProfile(database.db, ws);
  if (points > 0) await services.points.adjust(systemContext(ws), p, { delta: points, reason: "seed", idempotencyKey: key() });
  return p;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

describe(`redemption catalogue (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("redeems goods: points taken oldest first, stock down, a pending order; fulfil closes it", async () => {
    clock.set("2026-05-01T02:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const p = await member(ws, 800);
    const item = await services.catalogue.createItem(ctx, tumbler);
    const r = await services.catalogue.redeem(ctx, p, { itemId: item.id, idempotencyKey: "r1" });
    expect(r.replayed).toBe(false);
    expect(r.redemption).toMatchObject({ status: "pending", pointsCost: 500, itemName: "Tea tumbler", source: "redemption" });
    expect(r.balance.available).toBe(300);
    expect((await services.catalogue.getItem(ctx, item.id))).toMatchObject({ stock: 2, redeemedCount: 1 });
    await expectConsistent(database.db, ws, p);
    const done = await services.catalogue.fulfil(ctx, r.redemption.id, { fulfilment: "picked_up", note: "at 静安 store" });
    expect(done).toMatchObject({ status: "fulfilled", fulfilment: "picked_up", note: "at 静安 store" });
    expect(await codeOf(services.catalogue.cancel(ctx, r.redemption.id, { reason: "too late" }))).toBe("loyalty.redemption_closed");
    const listed = await services.catalogue.listRedemptions(ctx, { status: "fulfilled", limit: 10 });
    expect(listed.items.map((o) => o.id)).toEqual([r.redemption.id]);
  });

  it("a replay returns the first result; the key reused for another item is a conflict", async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const p = await member(ws, 2000);
    const item = await services.catalogue.createItem(ctx, tumbler);
    const other = await services.catalogue.createItem(ctx, { ...tumbler, sku: "TOTE", name: "Tote bag" });
    const first = await services.catalogue.redeem(ctx, p, { itemId: item.id, idempotencyKey: "same" });
    const again = await services.catalogue.redeem(ctx, p, { itemId: item.id, idempotencyKey: "same" });
    expect(again.replayed).toBe(true);
    expect(again.redemption.id).toBe(first.redemption.id);
    expect(again.balance.available).toBe(1500);
    expect(await codeOf(services.catalogue.redeem(ctx, p, { itemId: other.id, idempotencyKey: "same" }))).toBe("loyalty.idempotency_conflict");
    expect((await services.catalogue.getItem(ctx, item.id)).stock).toBe(2);
  });

  it("refuses with a specific code: out of stock, limits, too few points, paused, outside dates, wrong store", async () => {
    clock.set("2026-05-01T02:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const rich = await member(ws, 100_000);
    const poor = await member(ws, 100);
    const one = await services.catalogue.createItem(ctx, { ...tumbler, stock: 1 });
    await services.catalogue.redeem(ctx, rich, { itemId: one.id, idempotencyKey: key() });
    expect(await codeOf(services.catalogue.redeem(ctx, rich, { itemId: one.id, idempotencyKey: key() }))).toBe("loyalty.out_of_stock");

    const limited = await services.catalogue.createItem(ctx, { ...tumbler, stock: null, perMemberLimit: 2, perMemberDailyLimit: 1 });
    await services.catalogue.redeem(ctx, rich, { itemId: limited.id, idempotencyKey: key() });
    expect(await codeOf(services.catalogue.redeem(ctx, rich, { itemId: limited.id, idempotencyKey: key() }))).toBe("loyalty.limit_reached");
    clock.set("2026-05-02T02:00:00Z");
    await services.catalogue.redeem(ctx, rich, { itemId: limited.id, idempotencyKey: key() });
    clock.set("2026-05-03T02:00:00Z");
    expect(await codeOf(services.catalogue.redeem(ctx, rich, { itemId: limited.id, idempotencyKey: key() }))).toBe("loyalty.limit_reached");

    const before = (await services.catalogue.getItem(ctx, limited.id)).stock;
    expect(await codeOf(services.catalogue.redeem(ctx, poor, { itemId: limited.id, idempotencyKey: key() }))).toBe("loyalty.insufficient_points");
    expect((await services.catalogue.getItem(ctx, limited.id)).stock).toBe(before);
    await expectConsistent(database.db, ws, poor);

    const paused = await services.catalogue.createItem(ctx, { ...tumbler, status: "paused" });
    expect(await codeOf(services.catalogue.redeem(ctx, rich, { itemId: paused.id, idempotencyKey: key() }))).toBe("loyalty.item_unavailable");
    const later = await services.catalogue.createItem(ctx, { ...tumbler, availableFrom: "2026-06-01T00:00:00Z" });
    expect(await codeOf(services.catalogue.redeem(ctx, rich, { itemId: later.id, idempotencyKey: key() }))).toBe("loyalty.item_unavailable");
    const ended = await services.catalogue.createItem(ctx, { ...tumbler, availableUntil: "2026-05-02T00:00:00Z" });
    expect(await codeOf(services.catalogue.redeem(ctx, rich, { itemId: ended.id, idempotencyKey: key() }))).toBe("loyalty.item_unavailable");
    const store = await services.catalogue.createItem(ctx, { ...tumbler, storeIds: ["SH-001"] });
    expect(await codeOf(services.catalogue.redeem(ctx, rich, { itemId: store.id, storeId: "BJ-001", idempotencyKey: key() }))).toBe("loyalty.item_unavailable");
    expect(await codeOf(services.catalogue.redeem(ctx, rich, { itemId: store.id, storeId: "SH-001", idempotencyKey: key() }))).toBe("ok");
    await services.catalogue.deleteItem(ctx, store.id);
    expect(await codeOf(services.catalogue.redeem(ctx, rich, { itemId: store.id, storeId: "SH-001", idempotencyKey: key() }))).toBe("loyalty.item_not_found");
    await expectConsistent(database.db, ws, rich);
  });

  it("cancel gives the points back into their buckets and the unit back to stock, once", async () => {
    clock.set("2026-05-01T02:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const p = await member(ws, 700);
    const item = await services.catalogue.createItem(ctx, tumbler);
    const r = await services.catalogue.redeem(ctx, p, { itemId: item.id, idempotencyKey: key() });
    const cancelled = await services.catalogue.cancel(ctx, r.redemption.id, { reason: "changed mind" });
    expect(cancelled).toMatchObject({ status: "cancelled", cancelReason: "changed mind" });
    expect((await services.points.balance(ctx, p)).available).toBe(700);
    expect(await services.catalogue.getItem(ctx, item.id)).toMatchObject({ stock: 3, redeemedCount: 0 });
    expect(await codeOf(services.catalogue.cancel(ctx, r.redemption.id, { reason: "again" }))).toBe("loyalty.redemption_closed");
    expect((await services.points.balance(ctx, p)).available).toBe(700);
    expect(await codeOf(services.catalogue.fulfil(ctx, r.redemption.id, { fulfilment: "shipped", note: null }))).toBe("loyalty.redemption_closed");
    await expectConsistent(database.db, ws, p);
  });

  it("points + cash from stored value: both taken in one transaction, both given back on cancel; short balance changes nothing", async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const p = await member(ws, 1000);
    const item = await services.catalogue.createItem(ctx, { ...tumbler, pointsCost: 300, cashMinor: 1990 });
    expect(await codeOf(services.catalogue.redeem(ctx, p, { itemId: item.id, idempotencyKey: key() }))).toBe("loyalty.payment_required");
    expect(await codeOf(services.catalogue.redeem(ctx, p, { itemId: item.id, payWith: "stored_value", idempotencyKey: key() }))).toBe("loyalty.insufficient_balance");
    expect((await services.points.balance(ctx, p)).available).toBe(1000);
    expect((await services.catalogue.getItem(ctx, item.id)).stock).toBe(3);
    await services.storedValue.topUp(ctx, p, { amountMinor: 5000, reference: "wx-1", idempotencyKey: key() });
    const r = await services.catalogue.redeem(ctx, p, { itemId: item.id, payWith: "stored_value", idempotencyKey: key() });
    expect(r.redemption).toMatchObject({ status: "pending", cashMinor: 1990, payWith: "stored_value" });
    expect((await services.storedValue.balance(ctx, p)).totalMinor).toBe(3010);
    expect(r.balance.available).toBe(700);
    await services.catalogue.cancel(ctx, r.redemption.id, { reason: "out of colour" });
    expect((await services.storedValue.balance(ctx, p)).totalMinor).toBe(5000);
    expect((await services.points.balance(ctx, p)).available).toBe(1000);
    await expectConsistent(database.db, ws, p);
  });

  it("points + cash paid outside: awaiting payment until confirmed; the job cancels unpaid orders after the timeout", async () => {
    clock.set("2026-05-01T02:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const p = await member(ws, 1000);
    const item = await services.catalogue.createItem(ctx, { ...tumbler, pointsCost: 300, cashMinor: 1990 });
    const paid = await services.catalogue.redeem(ctx, p, { itemId: item.id, payWith: "external", idempotencyKey: key() });
    const unpaid = await services.catalogue.redeem(ctx, p, { itemId: item.id, payWith: "external", idempotencyKey: key() });
    expect(paid.redemption).toMatchObject({ status: "awaiting_payment", paymentDueAt: "2026-05-01T02:30:00.000Z" });
    expect(await codeOf(services.catalogue.fulfil(ctx, paid.redemption.id, { fulfilment: "shipped", note: null }))).toBe("loyalty.redemption_closed");
    expect(await services.catalogue.confirmPayment(ctx, paid.redemption.id, { reference: "wxpay-9" })).toMatchObject({ status: "pending", paymentReference: "wxpay-9" });
    expect((await services.catalogue.confirmPayment(ctx, paid.redemption.id, { reference: "wxpay-9" })).status).toBe("pending");
    clock.set("2026-05-01T02:29:00Z");
    expect(await services.catalogue.runPaymentTimeouts()).toBe(0);
    clock.set("2026-05-01T02:31:00Z");
    expect(await services.catalogue.runPaymentTimeouts()).toBe(1);
    expect(await services.catalogue.runPaymentTimeouts()).toBe(0);
    expect((await services.catalogue.getRedemption(ctx, unpaid.redemption.id)).status).toBe("cancelled");
    expect((await services.points.balance(ctx, p)).available).toBe(700);
    expect((await services.catalogue.getItem(ctx, item.id)).stock).toBe(2);
    expect(await codeOf(services.catalogue.confirmPayment(ctx, unpaid.redemption.id, { reference: "late" }))).toBe("loyalty.redemption_closed");
  });

  it("a coupon item goes through the coupon exchange: coupon issued, points taken, order fulfilled at once; the template's stock counts", async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const p = await member(ws, 1000);
    const template = await services.coupons.createTemplate(ctx, { name: "¥10 off", kind: "fixed", amountMinor: 1000, validity: { kind: "relative", days: 30 }, totalStock: 1, perMemberLimit: null });
    const item = await services.catalogue.createItem(ctx, { kind: "coupon", name: "¥10 coupon", pointsCost: 200, templateId: template.id });
    const r = await services.catalogue.redeem(ctx, p, { itemId: item.id, idempotencyKey: key() });
    expect(r.redemption).toMatchObject({ status: "fulfilled", fulfilment: "issued", itemKind: "coupon" });
    expect(r.coupon?.templateId).toBe(template.id);
    expect(r.balance.available).toBe(800);
    expect(await codeOf(services.catalogue.redeem(ctx, p, { itemId: item.id, idempotencyKey: key() }))).toBe("loyalty.out_of_stock");
    expect((await services.points.balance(ctx, p)).available).toBe(800);
    expect(await codeOf(services.catalogue.createItem(ctx, { kind: "coupon", name: "x", pointsCost: 1, templateId: "0190a000-0000-7000-8000-000000000001" }))).toBe("loyalty.template_not_found");
  });

  it("the member's catalogue shows what is on offer now, what they can afford and how many more they may take", async () => {
    clock.set("2026-05-01T02:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const p = await member(ws, 600);
    const cheap = await services.catalogue.createItem(ctx, { ...tumbler, pointsCost: 100, perMemberLimit: 3 });
    const dear = await services.catalogue.createItem(ctx, { ...tumbler, pointsCost: 5000 });
    await services.catalogue.createItem(ctx, { ...tumbler, status: "paused" });
    await services.catalogue.redeemForMember(ws, p, { itemId: cheap.id, idempotencyKey: key() });
    const view = await services.catalogue.memberCatalogue(ws, p);
    expect(view.available).toBe(500);
    expect(view.items.map((i) => [i.id, i.affordable, i.remainingForMember])).toEqual([
      [cheap.id, true, 2],
      [dear.id, false, null],
    ]);
    const mine = await services.catalogue.memberRedemptions(ws, p, { limit: 10 });
    expect(mine.items).toHaveLength(1);
    expect(mine.items[0]!.profileId).toBe(p);
  });

  it("validates items: sku for goods, cash only for goods, dates in order", async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const paths = async (input: CatalogueItemInput) => {
      try {
        await services.catalogue.createItem(ctx, input);
        return [];
      } catch (error) {
        return ((error as { issues?: { path: (string | number)[] }[] }).issues ?? []).map((i) => i.path.join("."));
      }
    };
    expect(await paths({ ...tumbler, sku: null })).toEqual(["sku"]);
    expect(await paths({ ...tumbler, pointsCost: -1 })).toEqual(["pointsCost"]);
    expect(await paths({ ...tumbler, availableFrom: "2026-06-02T00:00:00Z", availableUntil: "2026-06-01T00:00:00Z" })).toEqual(["availableUntil"]);
    const [audit] = await rows<{ n: number }>(database.db, sql`select count(*)::int as n from audit_entries where workspace_id = ${ws}::uuid and action like 'loyalty.catalogue%'`);
    expect(audit!.n).toBe(0);
  });
});
