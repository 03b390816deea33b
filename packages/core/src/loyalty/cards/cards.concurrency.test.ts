import { sql } from "@siyu/storage/orm";
import { openTestDatabase, testServerUrl, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoreServices } from "../../services";
import { systemClock } from "../../shared/clock";
import { systemContext } from "../../shared/context";
import { DomainError } from "../../shared/domain-error";
import { loyaltyServices, newProfile, newWorkspace } from "../loyalty.test-helpers";
import { rows } from "../points/points.ledger";

/** PostgreSQL server only (PGlite runs one statement at a time): `npm run test:pg -- packages/core/src/loyalty/cards`. */
const server = testServerUrl();
if (!server) console.log("SKIPPED cards and stored-value concurrency tests: no PostgreSQL server (DATABASE_URL_TEST is unset)");

let database: TestDatabase;
let services: CoreServices;

function codesOf(results: PromiseSettledResult<unknown>[]) {
  const counts: Record<string, number> = {};
  for (const r of results) {
    const key = r.status === "fulfilled" ? "ok" : r.reason instanceof DomainError ? r.reason.code : String(r.reason);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe.skipIf(!server)("cards and stored value under concurrency (postgres)", () => {
  beforeAll(async () => {
    database = await openTestDatabase();
    services = loyaltyServices(database.db, systemClock);
  });
  afterAll(async () => {
    await database?.close();
  });

  it("50 concurrent uses of a 12-use card: 12 succeed; 20 of an annual card limited to 2 a day: 2", { timeout: 120_000 }, async () => {
    const ws = await newWorkspace(services, "Cards race");
    const ctx = systemContext(ws);
    const p = await newProfile(database.db, ws);
    const times = await services.cards.createProduct(ctx, { name: "12 杯卡", kind: "times", uses: 12, validityDays: 30, priceMinor: 1_200 });
    const annual = await services.cards.createProduct(ctx, { name: "年卡", kind: "annual", dailyLimit: 2, validityDays: 30, priceMinor: 1_200 });
    const { card } = await services.cards.issue(ctx, p, { productId: times.id, idempotencyKey: "race-times" });
    const uses = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => services.cards.use(ctx, card.id, { idempotencyKey: `race-use-${i}` })));
    expect(codesOf(uses)).toEqual({ ok: 12, "loyalty.card_used_up": 38 });
    const [s] = await rows<{ remaining: number; sum: string | number }>(
      database.db,
      sql`select uses_remaining as remaining, (select sum(delta) from card_entries where card_id = ${card.id}::uuid) as sum from member_cards where id = ${card.id}::uuid`,
    );
    expect([s!.remaining, Number(s!.sum)]).toEqual([0, 0]);
    const year = (await services.cards.issue(ctx, p, { productId: annual.id, idempotencyKey: "race-annual" })).card;
    const daily = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => services.cards.use(ctx, year.id, { idempotencyKey: `race-day-${i}` })));
    expect(codesOf(daily)).toEqual({ ok: 2, "loyalty.card_daily_limit": 18 });
  });

  it("30 concurrent sales with one key, paid from stored value: one card, one spend", { timeout: 120_000 }, async () => {
    const ws = await newWorkspace(services, "Sale race");
    const ctx = systemContext(ws);
    const p = await newProfile(database.db, ws);
    const product = await services.cards.createProduct(ctx, { name: "5 次卡", kind: "times", uses: 5, validityDays: 30, priceMinor: 1_000 });
    await services.storedValue.topUp(ctx, p, { amountMinor: 5_000, reference: "wx", idempotencyKey: "sale-top" });
    const sales = await Promise.allSettled(Array.from({ length: 30 }, () => services.cards.issue(ctx, p, { productId: product.id, payWithStoredValue: true, idempotencyKey: "one-sale" })));
    expect(codesOf(sales)).toEqual({ ok: 30 });
    expect(new Set(sales.map((r) => (r.status === "fulfilled" ? r.value.card.id : null))).size).toBe(1);
    expect((await services.cards.listOfCustomer(ctx, p)).length).toBe(1);
    expect((await services.storedValue.balance(ctx, p)).principalMinor).toBe(4_000);
  });

  it("100 concurrent partial refunds of 10 against a spend of 500: 50 succeed, the ledger balances", { timeout: 120_000 }, async () => {
    const ws = await newWorkspace(services, "Refund race");
    const ctx = systemContext(ws);
    await services.points.putSettings(ctx, { storedValue: { bonusRules: [{ minTopupMinor: 400, bonusMinor: 100 }] } });
    const p = await newProfile(database.db, ws);
    await services.storedValue.topUp(ctx, p, { amountMinor: 400, reference: "wx", idempotencyKey: "rr-top" });
    await services.storedValue.spend(ctx, p, { amountMinor: 500, orderId: "rr-o", idempotencyKey: "rr-spend" });
    const refunds = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => services.storedValue.refund(ctx, p, { orderId: "rr-o", amountMinor: 10, idempotencyKey: `rr-${i}` })));
    expect(codesOf(refunds)).toEqual({ ok: 50, "loyalty.not_reversible": 50 });
    expect(await services.storedValue.balance(ctx, p)).toMatchObject({ principalMinor: 400, bonusMinor: 100 });
    const [unbalanced] = await rows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from (select transaction_id from stored_value_postings where workspace_id = ${ws}::uuid group by transaction_id having sum(amount_minor) <> 0) x`,
    );
    expect(unbalanced!.n).toBe(0);
  });
});
