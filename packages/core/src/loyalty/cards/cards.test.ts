import fc from "fast-check";
import { sql } from "@siyu/storage/orm";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoreServices } from "../../services";
import { fixedClock } from "../../shared/clock";
import { systemContext } from "../../shared/context";
import { DomainError } from "../../shared/domain-error";
import { loyaltyServices, newProfile, newWorkspace } from "../loyalty.test-helpers";
import { rows } from "../points/points.ledger";

let database: TestDatabase;
let services: CoreServices;
// 2026-05-01 10:00 in Shanghai.
const clock = fixedClock("2026-05-01T02:00:00Z");
const DAY = 86_400_000;

beforeAll(async () => {
  database = await openTestDatabase();
  services = loyaltyServices(database.db, clock);
});
afterAll(async () => {
  await database?.close();
});

/** A card's cached uses against the sum of its ledger entries. */
async function cardState(cardId: string) {
  const [s] = await rows<{ remaining: number | null; count: number; sum: string | number; uses: string | number }>(
    database.db,
    sql`select c.uses_remaining as remaining, c.uses_count as count,
          (select coalesce(sum(delta), 0) from card_entries where card_id = c.id) as sum,
          (select count(*) from card_entries where card_id = c.id and kind = 'use') as uses
        from member_cards c where c.id = ${cardId}::uuid`,
  );
  return { remaining: s!.remaining, count: s!.count, sum: Number(s!.sum), uses: Number(s!.uses) };
}

describe(`cards (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("sells a 12-cup card paid from stored value, uses it once per key, refuses the wrong store, voids the rest back to stored value", async () => {
    const ws = await newWorkspace(services, "Cards brand");
    const ctx = systemContext(ws);
    const p = await newProfile(database.db, ws);
    const product = await services.cards.createProduct(ctx, { name: "12 杯卡", kind: "times", uses: 12, validityDays: 365, priceMinor: 24_000, storeIds: ["SH-01"] });
    await services.storedValue.topUp(ctx, p, { amountMinor: 30_000, reference: "wx", idempotencyKey: "c-top" });
    const sold = await services.cards.issue(ctx, p, { productId: product.id, payWithStoredValue: true, idempotencyKey: "c-sell" });
    expect(sold.card).toMatchObject({ kind: "times", usesTotal: 12, usesRemaining: 12, status: "active", priceMinor: 24_000 });
    expect(sold.storedValueTransaction).toMatchObject({ kind: "spend", principalMinor: 24_000, orderId: `card:${sold.card.id}` });
    expect((await services.cards.issue(ctx, p, { productId: product.id, payWithStoredValue: true, idempotencyKey: "c-sell" })).replayed).toBe(true);
    expect((await services.storedValue.balance(ctx, p)).principalMinor).toBe(6_000);
    expect((await services.cards.getProduct(ctx, product.id)).issuedCount).toBe(1);

    const used = await services.cards.use(ctx, sold.card.id, { storeId: "SH-01", idempotencyKey: "c-use-1" });
    expect(used.card.usesRemaining).toBe(11);
    const again = await services.cards.use(ctx, sold.card.id, { storeId: "SH-01", idempotencyKey: "c-use-1" });
    expect(again).toMatchObject({ replayed: true, card: { usesRemaining: 11 } });
    await expect(services.cards.use(ctx, sold.card.id, { storeId: "BJ-01", idempotencyKey: "c-use-2" })).rejects.toMatchObject({ code: "loyalty.wrong_store", status: 422 });
    await expect(services.cards.use(ctx, sold.card.id, { storeId: null, idempotencyKey: "c-use-3" })).rejects.toMatchObject({ code: "loyalty.wrong_store" });

    const voided = await services.cards.void(ctx, sold.card.id, { reason: "member asked", idempotencyKey: "c-void" });
    expect(voided).toMatchObject({ refundableMinor: 22_000, card: { status: "voided", usesRemaining: 0 }, storedValueTransaction: { kind: "refund", principalMinor: 22_000 } });
    expect((await services.storedValue.balance(ctx, p)).principalMinor).toBe(28_000);
    await expect(services.cards.use(ctx, sold.card.id, { storeId: "SH-01", idempotencyKey: "c-use-4" })).rejects.toMatchObject({ code: "loyalty.card_voided", status: 422 });
    await expect(services.cards.void(ctx, sold.card.id, { reason: "again", idempotencyKey: "c-void-2" })).rejects.toMatchObject({ code: "loyalty.not_reversible" });
    expect(await cardState(sold.card.id)).toEqual({ remaining: 0, count: 1, sum: 0, uses: 1 });
    expect((await services.audit.list(ctx, { limit: 5 })).items.map((e) => e.action)).toContain("loyalty.card_voided");

    const poor = await newProfile(database.db, ws);
    await expect(services.cards.issue(ctx, poor, { productId: product.id, payWithStoredValue: true, idempotencyKey: "c-poor" })).rejects.toMatchObject({ code: "loyalty.insufficient_balance" });
    expect(await services.cards.listOfCustomer(ctx, poor)).toEqual([]);
    await services.cards.archiveProduct(ctx, product.id);
    await expect(services.cards.issue(ctx, poor, { productId: product.id, idempotencyKey: "c-arch" })).rejects.toMatchObject({ code: "loyalty.card_product_not_found", status: 404 });
  });

  it("follows a merge: the survivor's list holds the merged profile's card; voiding it returns the value to the survivor", async () => {
    const ws = await newWorkspace(services, "Cards merges");
    const ctx = systemContext(ws);
    const [a, b] = [await newProfile(database.db, ws), await newProfile(database.db, ws)];
    const product = await services.cards.createProduct(ctx, { name: "5 次卡", kind: "times", uses: 5, validityDays: 365, priceMinor: 5_000 });
    await services.storedValue.topUp(ctx, a, { amountMinor: 5_000, reference: "wx", idempotencyKey: "cm-top" });
    const sold = await services.cards.issue(ctx, a, { productId: product.id, payWithStoredValue: true, idempotencyKey: "cm-sell" });
    await services.cards.use(ctx, sold.card.id, { storeId: null, idempotencyKey: "cm-use" });
    await database.db.execute(sql`update profiles set merged_into = ${b}::uuid where id = ${a}::uuid`);
    expect((await services.cards.listOfCustomer(ctx, b)).map((c) => c.id)).toEqual([sold.card.id]);
    const voided = await services.cards.void(ctx, sold.card.id, { reason: "member asked", idempotencyKey: "cm-void" });
    expect(voided.storedValueTransaction).toMatchObject({ kind: "refund", principalMinor: 4_000 });
    expect(await services.storedValue.balance(ctx, b)).toMatchObject({ profileId: b, principalMinor: 4_000 });
    const [held] = await rows<{ a: string | number; b: string | number }>(
      database.db,
      sql`select coalesce(sum(principal_minor) filter (where profile_id = ${a}::uuid), 0) as a, coalesce(sum(principal_minor) filter (where profile_id = ${b}::uuid), 0) as b
          from stored_value_accounts where workspace_id = ${ws}::uuid`,
    );
    expect({ a: Number(held!.a), b: Number(held!.b) }).toEqual({ a: 0, b: 4_000 });
  });

  it("an annual card: unlimited uses, at most K per local day in the workspace's time zone; expired → card_expired and the job writes it off", async () => {
    const ws = await newWorkspace(services, "Annual brand");
    const ctx = systemContext(ws);
    const p = await newProfile(database.db, ws);
    const product = await services.cards.createProduct(ctx, { name: "年卡", kind: "annual", dailyLimit: 2, validityDays: 30, priceMinor: 36_500 });
    await expect(services.cards.createProduct(ctx, { name: "bad", kind: "times", validityDays: 30, priceMinor: 1 })).rejects.toMatchObject({ issues: [expect.objectContaining({ path: ["uses"] })] });
    const { card } = await services.cards.issue(ctx, p, { productId: product.id, idempotencyKey: "a-sell" });
    await services.cards.use(ctx, card.id, { idempotencyKey: "a-1" });
    await services.cards.use(ctx, card.id, { idempotencyKey: "a-2" });
    await expect(services.cards.use(ctx, card.id, { idempotencyKey: "a-3" })).rejects.toMatchObject({ code: "loyalty.card_daily_limit", status: 422 });
    // 23:59 Shanghai is still the same local day; 00:00 is the next.
    clock.set("2026-05-01T15:59:00Z");
    await expect(services.cards.use(ctx, card.id, { idempotencyKey: "a-4" })).rejects.toMatchObject({ code: "loyalty.card_daily_limit" });
    clock.set("2026-05-01T16:00:00Z");
    expect((await services.cards.use(ctx, card.id, { idempotencyKey: "a-5" })).card.usesCount).toBe(3);
    clock.set(new Date(Date.parse(card.validUntil) + 1000));
    await expect(services.cards.use(ctx, card.id, { idempotencyKey: "a-6" })).rejects.toMatchObject({ code: "loyalty.card_expired", status: 422 });
    expect((await services.cards.listOfCustomer(ctx, p))[0]!.status).toBe("expired");
    expect(await services.cards.runExpiry()).toBeGreaterThanOrEqual(1);
    expect(await services.cards.runExpiry()).toBe(0);
    expect((await services.cards.entries(ctx, card.id))[0]).toMatchObject({ kind: "expire", delta: 0 });
    clock.set("2026-05-01T02:00:00Z");
  });

  it("property: random issue / use / expire / void keep uses never negative and equal to the ledger and a model", { timeout: 300_000 }, async () => {
    const ws = await newWorkspace(services, "Cards property");
    const ctx = systemContext(ws);
    const times = await services.cards.createProduct(ctx, { name: "5 次卡", kind: "times", uses: 5, validityDays: 10, priceMinor: 1_000 });
    const annual = await services.cards.createProduct(ctx, { name: "年卡", kind: "annual", dailyLimit: 1, validityDays: 10, priceMinor: 3_650 });
    let k = 0;
    const op = fc.oneof(
      fc.record({ t: fc.constant("issue" as const), annual: fc.boolean() }),
      fc.record({ t: fc.constant("use" as const), pick: fc.nat(), replay: fc.boolean() }),
      fc.record({ t: fc.constant("void" as const), pick: fc.nat() }),
      fc.record({ t: fc.constant("time" as const), days: fc.integer({ min: 1, max: 6 }), job: fc.boolean() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 14 }), async (ops) => {
        clock.set("2026-05-01T02:00:00Z");
        const p = await newProfile(database.db, ws);
        const model: { id: string; annual: boolean; left: number | null; used: number; until: number; status: "active" | "voided" | "expired"; days: Set<string>; lastKey: string | null }[] = [];
        for (const o of ops) {
          const now = clock.now().getTime();
          if (o.t === "time") {
            clock.advance(o.days * DAY);
            if (o.job) {
              await services.cards.runExpiry();
              for (const c of model) {
                if (c.status === "active" && c.until <= clock.now().getTime()) {
                  c.status = "expired";
                  if (c.left !== null) c.left = 0;
                }
              }
            }
          } else if (o.t === "issue") {
            const r = await services.cards.issue(ctx, p, { productId: o.annual ? annual.id : times.id, idempotencyKey: `ci-${++k}` });
            model.push({ id: r.card.id, annual: o.annual, left: o.annual ? null : 5, used: 0, until: now + 10 * DAY, status: "active", days: new Set(), lastKey: null });
          } else if (model.length > 0) {
            const c = model[o.pick % model.length]!;
            const day = new Date(now + 8 * 3_600_000).toISOString().slice(0, 10); // Asia/Shanghai has no DST
            if (o.t === "use") {
              const key = o.replay && c.lastKey ? c.lastKey : `cu-${++k}`;
              const expected =
                key === c.lastKey
                  ? null
                  : c.status === "voided"
                    ? "loyalty.card_voided"
                    : c.status === "expired" || c.until <= now
                      ? "loyalty.card_expired"
                      : c.left === 0
                        ? "loyalty.card_used_up"
                        : c.annual && c.days.has(day)
                          ? "loyalty.card_daily_limit"
                          : null;
              try {
                const r = await services.cards.use(ctx, c.id, { idempotencyKey: key });
                expect(expected).toBeNull();
                expect(r.replayed).toBe(key === c.lastKey);
                if (!r.replayed) {
                  c.used += 1;
                  if (c.left !== null) c.left -= 1;
                  c.days.add(day);
                  c.lastKey = key;
                }
              } catch (error) {
                if (!(error instanceof DomainError)) throw error;
                expect(error.code).toBe(expected);
              }
            } else {
              const expected = c.status === "voided" ? "loyalty.not_reversible" : c.status === "expired" || c.until <= now ? "loyalty.card_expired" : null;
              try {
                const r = await services.cards.void(ctx, c.id, { reason: "test", idempotencyKey: `cv-${++k}` });
                expect(expected).toBeNull();
                const daysLeft = Math.floor((c.until - now) / DAY);
                expect(r.refundableMinor).toBe(c.annual ? Math.round((3_650 * daysLeft) / 10) : Math.round((1_000 * c.left!) / 5));
                c.status = "voided";
                if (c.left !== null) c.left = 0;
              } catch (error) {
                if (!(error instanceof DomainError)) throw error;
                expect(error.code).toBe(expected);
              }
            }
          }
          for (const c of model) {
            const s = await cardState(c.id);
            expect(s.remaining).toBe(c.left);
            expect(s.count).toBe(c.used);
            expect(s.uses).toBe(c.used);
            if (!c.annual) {
              expect(s.sum).toBe(s.remaining);
              expect(s.remaining).toBeGreaterThanOrEqual(0);
            }
          }
        }
      }),
      { numRuns: Number(process.env.SIYU_PROPERTY_RUNS || 40) },
    );
    clock.set("2026-05-01T02:00:00Z");
  });
});
