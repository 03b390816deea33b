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
const clock = fixedClock("2026-05-01T02:00:00Z");

beforeAll(async () => {
  database = await openTestDatabase();
  services = loyaltyServices(database.db, clock);
});
afterAll(async () => {
  await database?.close();
});

async function ledger(ws: string, profileId: string) {
  const unbalanced = await rows<{ transaction_id: string }>(
    database.db,
    sql`select transaction_id from stored_value_postings where workspace_id = ${ws}::uuid group by transaction_id having sum(amount_minor) <> 0`,
  );
  const [sums] = await rows<{ principal: string | number; bonus: string | number }>(
    database.db,
    sql`select -coalesce(sum(amount_minor) filter (where account = 'member_principal'), 0) as principal,
               -coalesce(sum(amount_minor) filter (where account = 'member_bonus'), 0) as bonus
        from stored_value_postings where workspace_id = ${ws}::uuid and profile_id = ${profileId}::uuid`,
  );
  return { unbalanced: unbalanced.length, principal: Number(sums!.principal), bonus: Number(sums!.bonus) };
}

describe(`stored value (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("tops up with the bonus rule, spends principal first, refunds exactly, once per key and order", async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    await services.points.putSettings(ctx, { storedValue: { bonusRules: [{ minTopupMinor: 50_000, bonusMinor: 5_000 }, { minTopupMinor: 100_000, bonusMinor: 15_000 }] } });
    const p = await newProfile(database.db, ws);
    const top = await services.storedValue.topUp(ctx, p, { amountMinor: 100_000, reference: "wx-1", idempotencyKey: "t-1" });
    expect(top.balance).toMatchObject({ principalMinor: 100_000, bonusMinor: 15_000, totalMinor: 115_000 });
    expect((await services.storedValue.topUp(ctx, p, { amountMinor: 100_000, reference: "wx-1", idempotencyKey: "t-1" })).replayed).toBe(true);
    const spend = await services.storedValue.spend(ctx, p, { amountMinor: 110_000, orderId: "o-1", idempotencyKey: "s-1" });
    expect(spend.transaction).toMatchObject({ principalMinor: 100_000, bonusMinor: 10_000 });
    await expect(services.storedValue.spend(ctx, p, { amountMinor: 5_001, orderId: "o-2", idempotencyKey: "s-2" })).rejects.toMatchObject({ code: "loyalty.insufficient_balance", status: 422 });
    await expect(services.storedValue.spend(ctx, p, { amountMinor: 1, orderId: "o-1", idempotencyKey: "s-3" })).rejects.toMatchObject({ code: "loyalty.idempotency_conflict" });
    const refund = await services.storedValue.refund(ctx, p, { orderId: "o-1", idempotencyKey: "r-1" });
    expect(refund.balance).toMatchObject({ principalMinor: 100_000, bonusMinor: 15_000 });
    await expect(services.storedValue.refund(ctx, p, { orderId: "o-1", idempotencyKey: "r-2" })).rejects.toMatchObject({ code: "loyalty.not_reversible" });
    await expect(services.storedValue.refund(ctx, p, { orderId: "nope", idempotencyKey: "r-3" })).rejects.toMatchObject({ code: "loyalty.spend_not_found", status: 404 });
    expect(await ledger(ws, p)).toEqual({ unbalanced: 0, principal: 100_000, bonus: 15_000 });
  });

  it("property: random top-ups, spends and refunds balance to zero per transaction and match the cached balances", { timeout: 240_000 }, async () => {
    const ws = await newWorkspace(services, "SV property");
    const ctx = systemContext(ws);
    await services.points.putSettings(ctx, { storedValue: { bonusRules: [{ minTopupMinor: 1_000, bonusMinor: 100 }] } });
    let k = 0;
    const op = fc.oneof(
      fc.record({ t: fc.constant("topup" as const), amount: fc.integer({ min: 1, max: 3_000 }) }),
      fc.record({ t: fc.constant("spend" as const), amount: fc.integer({ min: 1, max: 3_000 }), bonusFirst: fc.boolean() }),
      fc.record({ t: fc.constant("refund" as const), pick: fc.nat() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 15 }), async (ops) => {
        const p = await newProfile(database.db, ws);
        const model = { principal: 0, bonus: 0 };
        const spends: { orderId: string; principal: number; bonus: number; refunded: boolean }[] = [];
        for (const o of ops) {
          if (o.t === "topup") {
            await services.storedValue.topUp(ctx, p, { amountMinor: o.amount, reference: "x", idempotencyKey: `k-${++k}` });
            model.principal += o.amount;
            model.bonus += o.amount >= 1_000 ? 100 : 0;
          } else if (o.t === "spend") {
            await services.points.putSettings(ctx, { storedValue: { bonusRules: [{ minTopupMinor: 1_000, bonusMinor: 100 }], spendOrder: o.bonusFirst ? "bonus_first" : "principal_first" } });
            const orderId = `o-${++k}`;
            try {
              const r = await services.storedValue.spend(ctx, p, { amountMinor: o.amount, orderId, idempotencyKey: `k-${k}` });
              expect(o.amount).toBeLessThanOrEqual(model.principal + model.bonus);
              const fromBonus = o.bonusFirst ? Math.min(o.amount, model.bonus) : o.amount - Math.min(o.amount, model.principal);
              expect(r.transaction).toMatchObject({ principalMinor: o.amount - fromBonus, bonusMinor: fromBonus });
              model.principal -= o.amount - fromBonus;
              model.bonus -= fromBonus;
              spends.push({ orderId, principal: o.amount - fromBonus, bonus: fromBonus, refunded: false });
            } catch (error) {
              if (!(error instanceof DomainError) || error.code !== "loyalty.insufficient_balance") throw error;
              expect(o.amount).toBeGreaterThan(model.principal + model.bonus);
            }
          } else {
            const open = spends.filter((s) => !s.refunded);
            if (open.length === 0) continue;
            const s = open[o.pick % open.length]!;
            await services.storedValue.refund(ctx, p, { orderId: s.orderId, idempotencyKey: `k-${++k}` });
            s.refunded = true;
            model.principal += s.principal;
            model.bonus += s.bonus;
          }
          const b = await services.storedValue.balance(ctx, p);
          expect([b.principalMinor, b.bonusMinor]).toEqual([model.principal, model.bonus]);
          expect(await ledger(ws, p)).toEqual({ unbalanced: 0, principal: model.principal, bonus: model.bonus });
        }
      }),
      { numRuns: Number(process.env.SIYU_PROPERTY_RUNS || 40) },
    );
  });
});
