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

  it("refunds a spend in parts, in its principal/bonus proportion, never more than was spent", async () => {
    const ws = await newWorkspace(services, "SV partial");
    const ctx = systemContext(ws);
    await services.points.putSettings(ctx, { storedValue: { bonusRules: [{ minTopupMinor: 1_000, bonusMinor: 500 }] } });
    const p = await newProfile(database.db, ws);
    await services.storedValue.topUp(ctx, p, { amountMinor: 1_000, reference: "wx", idempotencyKey: "pt-1" });
    const spend = await services.storedValue.spend(ctx, p, { amountMinor: 1_500, orderId: "po-1", idempotencyKey: "ps-1" });
    expect(spend.transaction).toMatchObject({ principalMinor: 1_000, bonusMinor: 500 });
    const r1 = await services.storedValue.refund(ctx, p, { orderId: "po-1", amountMinor: 100, idempotencyKey: "pr-1" });
    expect(r1.transaction).toMatchObject({ kind: "refund", principalMinor: 67, bonusMinor: 33 });
    expect((await services.storedValue.refund(ctx, p, { orderId: "po-1", amountMinor: 100, idempotencyKey: "pr-1" })).replayed).toBe(true);
    await expect(services.storedValue.refund(ctx, p, { orderId: "po-1", amountMinor: 50, idempotencyKey: "pr-1" })).rejects.toMatchObject({ code: "loyalty.idempotency_conflict" });
    await expect(services.storedValue.refund(ctx, p, { orderId: "po-1", amountMinor: 1_401, idempotencyKey: "pr-2" })).rejects.toMatchObject({ code: "loyalty.refund_exceeds_spend", status: 422 });
    const r2 = await services.storedValue.refund(ctx, p, { orderId: "po-1", idempotencyKey: "pr-3" });
    expect(r2.transaction).toMatchObject({ principalMinor: 933, bonusMinor: 467 });
    expect(r2.balance).toMatchObject({ principalMinor: 1_000, bonusMinor: 500 });
    await expect(services.storedValue.refund(ctx, p, { orderId: "po-1", amountMinor: 1, idempotencyKey: "pr-4" })).rejects.toMatchObject({ code: "loyalty.not_reversible" });
    expect(await ledger(ws, p)).toEqual({ unbalanced: 0, principal: 1_000, bonus: 500 });
  });

  it("refunds a top-up's unspent principal and forfeits its bonus; refuses when its principal is spent; audited", async () => {
    const ws = await newWorkspace(services, "SV topup refund");
    const ctx = systemContext(ws);
    await services.points.putSettings(ctx, { storedValue: { bonusRules: [{ minTopupMinor: 1_000, bonusMinor: 200 }] } });
    const p = await newProfile(database.db, ws);
    const a = await services.storedValue.topUp(ctx, p, { amountMinor: 1_000, reference: "wx-a", idempotencyKey: "ta" });
    const b = await services.storedValue.topUp(ctx, p, { amountMinor: 1_000, reference: "wx-b", idempotencyKey: "tb" });
    await services.storedValue.spend(ctx, p, { amountMinor: 1_300, orderId: "to-1", idempotencyKey: "ts-1" });
    await expect(services.storedValue.refundTopUp(ctx, p, a.transaction.id, { reason: "leaving", idempotencyKey: "tr-a" })).rejects.toMatchObject({ code: "loyalty.topup_spent", status: 422 });
    const out = await services.storedValue.refundTopUp(ctx, p, b.transaction.id, { reason: "leaving", idempotencyKey: "tr-b" });
    expect(out.transaction).toMatchObject({ kind: "topup_refund", principalMinor: 700, bonusMinor: 200, reversesId: b.transaction.id });
    expect(out.balance).toMatchObject({ principalMinor: 0, bonusMinor: 200 });
    expect((await services.storedValue.refundTopUp(ctx, p, b.transaction.id, { reason: "leaving", idempotencyKey: "tr-b" })).replayed).toBe(true);
    await expect(services.storedValue.refundTopUp(ctx, p, b.transaction.id, { reason: "again", idempotencyKey: "tr-b2" })).rejects.toMatchObject({ code: "loyalty.not_reversible" });
    await expect(services.storedValue.refundTopUp(ctx, p, "0190a000-0000-7000-8000-000000000001", { reason: "x", idempotencyKey: "tr-x" })).rejects.toMatchObject({ code: "loyalty.topup_not_found", status: 404 });
    const [cash] = await rows<{ cash: string | number }>(database.db, sql`select coalesce(sum(amount_minor), 0) as cash from stored_value_postings where workspace_id = ${ws}::uuid and account = 'cash'`);
    expect(Number(cash!.cash)).toBe(1_300);
    const audit = await services.audit.list(ctx, { limit: 5 });
    expect(audit.items.map((e) => e.action)).toContain("loyalty.topup_refunded");
    expect(await ledger(ws, p)).toEqual({ unbalanced: 0, principal: 0, bonus: 200 });
  });

  it("expires a top-up's bonus N days after it with a bonus_expiry transaction; spends never take expired bonus", async () => {
    const ws = await newWorkspace(services, "SV bonus expiry");
    const ctx = systemContext(ws);
    await services.points.putSettings(ctx, { storedValue: { bonusRules: [{ minTopupMinor: 1_000, bonusMinor: 300 }], bonusExpiryDays: 30 } });
    const p = await newProfile(database.db, ws);
    const q = await newProfile(database.db, ws);
    await services.storedValue.topUp(ctx, p, { amountMinor: 1_000, reference: "wx", idempotencyKey: "be-1" });
    await services.storedValue.topUp(ctx, q, { amountMinor: 1_000, reference: "wx", idempotencyKey: "be-2" });
    clock.advance(31 * 86_400_000);
    await expect(services.storedValue.spend(ctx, q, { amountMinor: 1_100, orderId: "be-o", idempotencyKey: "be-s" })).rejects.toMatchObject({ code: "loyalty.insufficient_balance" });
    // The refused spend rolled back whole (its expiry too), so the job expires both members' bonus.
    expect(await services.storedValue.runBonusExpiry()).toMatchObject({ accounts: 2, bonusMinor: 600 });
    expect(await services.storedValue.runBonusExpiry()).toMatchObject({ accounts: 0, bonusMinor: 0 });
    expect((await services.storedValue.balance(ctx, p)).bonusMinor).toBe(0);
    expect((await services.storedValue.history(ctx, p))[0]).toMatchObject({ kind: "bonus_expiry", bonusMinor: 300, principalMinor: 0 });
    expect(await ledger(ws, p)).toEqual({ unbalanced: 0, principal: 1_000, bonus: 0 });
    expect(await ledger(ws, q)).toEqual({ unbalanced: 0, principal: 1_000, bonus: 0 });
  });

  it("follows a merge: the survivor sees and spends the merged profile's money, refunds its spend and top-up; the fold balances and owes the same", async () => {
    const ws = await newWorkspace(services, "SV merges");
    const ctx = systemContext(ws);
    await services.points.putSettings(ctx, { storedValue: { bonusRules: [{ minTopupMinor: 10_000, bonusMinor: 1_000 }] } });
    const [a, b] = [await newProfile(database.db, ws), await newProfile(database.db, ws)];
    const topUpA = { amountMinor: 10_000, reference: "wx-a", idempotencyKey: "m-ta" };
    const aTop = await services.storedValue.topUp(ctx, a, topUpA);
    await services.storedValue.spend(ctx, a, { amountMinor: 3_000, orderId: "m-oa", idempotencyKey: "m-sa" });
    await services.storedValue.topUp(ctx, b, { amountMinor: 5_000, reference: "wx-b", idempotencyKey: "m-tb" });
    const owed = async () => (await services.liability.report(ctx)).totals;
    const before = await owed();
    const lots = async (profileId: string) => {
      const [l] = await rows<{ p: string | number; b: string | number }>(
        database.db,
        sql`select coalesce(sum(principal_remaining), 0) as p, coalesce(sum(bonus_remaining), 0) as b from stored_value_lots where workspace_id = ${ws}::uuid and profile_id = ${profileId}::uuid`,
      );
      return { principal: Number(l!.p), bonus: Number(l!.b) };
    };

    // a is merged into b (as the identity module merges: a's row points at b).
    await database.db.execute(sql`update profiles set merged_into = ${b}::uuid where id = ${a}::uuid`);
    // At once, before anything folds: asked for either profile, the person's whole balance and history.
    expect(await services.storedValue.balance(ctx, a)).toMatchObject({ profileId: b, principalMinor: 12_000, bonusMinor: 1_000 });
    expect((await services.storedValue.history(ctx, b)).map((t) => t.kind).sort()).toEqual(["spend", "topup", "topup"]);

    // An operation on b folds a's account into it first, then refunds a's spend to b.
    const refund = await services.storedValue.refund(ctx, b, { orderId: "m-oa", idempotencyKey: "m-ra" });
    expect(refund.balance).toMatchObject({ principalMinor: 15_000, bonusMinor: 1_000 });
    expect(await ledger(ws, a)).toEqual({ unbalanced: 0, principal: 0, bonus: 0 });
    expect(await ledger(ws, b)).toEqual({ unbalanced: 0, principal: 15_000, bonus: 1_000 });
    expect(await lots(a)).toEqual({ principal: 0, bonus: 0 });
    expect(await lots(b)).toEqual({ principal: 15_000, bonus: 1_000 });
    const kinds = (await services.storedValue.history(ctx, b)).map((t) => t.kind);
    expect(kinds.filter((k) => k.startsWith("merge_")).sort()).toEqual(["merge_in", "merge_out"]);
    // The clearing account nets to zero; what the brand owes did not move in the fold (the refund added 3,000).
    const [transfer] = await rows<{ n: string | number }>(database.db, sql`select coalesce(sum(amount_minor), 0) as n from stored_value_postings where workspace_id = ${ws}::uuid and account = 'merge_transfer'`);
    expect(Number(transfer!.n)).toBe(0);
    expect((await owed()).storedValuePrincipalMinor).toBe(before.storedValuePrincipalMinor + 3_000);
    expect((await owed()).storedValueBonusMinor).toBe(before.storedValueBonusMinor);

    // a's top-up, replayed through b, is the same top-up; its refund through b pays out a's lot.
    expect((await services.storedValue.topUp(ctx, b, topUpA)).replayed).toBe(true);
    const out = await services.storedValue.refundTopUp(ctx, b, aTop.transaction.id, { reason: "leaving", idempotencyKey: "m-tra" });
    expect(out.transaction).toMatchObject({ principalMinor: 10_000, bonusMinor: 1_000 });
    expect(out.balance).toMatchObject({ principalMinor: 5_000, bonusMinor: 0 });
    expect(await ledger(ws, b)).toEqual({ unbalanced: 0, principal: 5_000, bonus: 0 });
  });

  it("the job folds chains of merges nobody has touched since; a second run finds nothing", async () => {
    const ws = await newWorkspace(services, "SV merge job");
    const ctx = systemContext(ws);
    const [c, d, e] = [await newProfile(database.db, ws), await newProfile(database.db, ws), await newProfile(database.db, ws)];
    await services.storedValue.topUp(ctx, c, { amountMinor: 700, reference: "wx-c", idempotencyKey: "j-c" });
    await services.storedValue.topUp(ctx, d, { amountMinor: 300, reference: "wx-d", idempotencyKey: "j-d" });
    await database.db.execute(sql`update profiles set merged_into = ${d}::uuid where id = ${c}::uuid`);
    await database.db.execute(sql`update profiles set merged_into = ${e}::uuid where id = ${d}::uuid`);
    expect(await services.storedValue.runMergeFold()).toBeGreaterThanOrEqual(2);
    expect(await services.storedValue.runMergeFold()).toBe(0);
    for (const [p, principal] of [[c, 0], [d, 0], [e, 1_000]] as const) expect(await ledger(ws, p)).toEqual({ unbalanced: 0, principal, bonus: 0 });
    expect(await services.storedValue.balance(ctx, c)).toMatchObject({ profileId: e, principalMinor: 1_000 });
    const spent = await services.storedValue.spend(ctx, e, { amountMinor: 1_000, orderId: "j-o", idempotencyKey: "j-s" });
    expect(spent.balance).toMatchObject({ principalMinor: 0, bonusMinor: 0 });
  });

  it("property: random top-ups, spends and refunds across random merges keep every ledger balanced and the person's money whole", { timeout: 300_000 }, async () => {
    const ws = await newWorkspace(services, "SV merge property");
    const ctx = systemContext(ws);
    let k = 0;
    const op = fc.oneof(
      fc.record({ t: fc.constant("topup" as const), who: fc.nat(2), amount: fc.integer({ min: 1, max: 2_000 }) }),
      fc.record({ t: fc.constant("spend" as const), who: fc.nat(2), amount: fc.integer({ min: 1, max: 2_000 }) }),
      fc.record({ t: fc.constant("refund" as const), who: fc.nat(2), pick: fc.nat() }),
      fc.record({ t: fc.constant("merge" as const), from: fc.nat(2), into: fc.nat(2) }),
      fc.record({ t: fc.constant("job" as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 14 }), async (ops) => {
        const profiles = [await newProfile(database.db, ws), await newProfile(database.db, ws), await newProfile(database.db, ws)];
        // The model: each profile's live profile, and each person's money (held by their live profile).
        const into = profiles.map((_, i) => i);
        const live = (i: number): number => (into[i] === i ? i : live(into[i]!));
        const money = [0, 0, 0];
        const spends: { orderId: string; person: number; amount: number; refunded: boolean }[] = [];
        for (const o of ops) {
          if (o.t === "topup") {
            await services.storedValue.topUp(ctx, profiles[o.who]!, { amountMinor: o.amount, reference: "x", idempotencyKey: `mk-${++k}` });
            money[live(o.who)]! += o.amount;
          } else if (o.t === "spend") {
            const person = live(o.who);
            const orderId = `mo-${++k}`;
            try {
              await services.storedValue.spend(ctx, profiles[o.who]!, { amountMinor: o.amount, orderId, idempotencyKey: `mk-${k}` });
              expect(o.amount).toBeLessThanOrEqual(money[person]!);
              money[person]! -= o.amount;
              spends.push({ orderId, person, amount: o.amount, refunded: false });
            } catch (error) {
              if (!(error instanceof DomainError) || error.code !== "loyalty.insufficient_balance") throw error;
              expect(o.amount).toBeGreaterThan(money[person]!);
            }
          } else if (o.t === "refund") {
            // A spend of this person's, whichever of their profiles made it.
            const open = spends.filter((x) => !x.refunded && live(x.person) === live(o.who));
            if (open.length === 0) continue;
            const x = open[o.pick % open.length]!;
            await services.storedValue.refund(ctx, profiles[o.who]!, { orderId: x.orderId, idempotencyKey: `mk-${++k}` });
            x.refunded = true;
            money[live(o.who)]! += x.amount;
          } else if (o.t === "merge") {
            const [a, b] = [live(o.from), live(o.into)];
            if (a === b) continue;
            await database.db.execute(sql`update profiles set merged_into = ${profiles[b]!}::uuid where id = ${profiles[a]!}::uuid`);
            into[a] = b;
            money[b]! += money[a]!;
            money[a] = 0;
          } else {
            await services.storedValue.runMergeFold();
          }
          // Asked for any profile: the person's money.
          for (const [i, id] of profiles.entries()) {
            const b = await services.storedValue.balance(ctx, id);
            expect(b.profileId).toBe(profiles[live(i)]);
            expect(b.totalMinor).toBe(money[live(i)]);
          }
        }
        // Every transaction balances; per profile the cached balance is its postings and its lots.
        for (const id of profiles) {
          const l = await ledger(ws, id);
          expect(l.unbalanced).toBe(0);
          const [state] = await rows<{ cached: string | number | null; lots: string | number | null }>(
            database.db,
            sql`select (select principal_minor + bonus_minor from stored_value_accounts where workspace_id = ${ws}::uuid and profile_id = ${id}::uuid) as cached,
                  (select coalesce(sum(principal_remaining + bonus_remaining), 0) from stored_value_lots where workspace_id = ${ws}::uuid and profile_id = ${id}::uuid) as lots`,
          );
          expect(Number(state!.cached ?? 0)).toBe(l.principal + l.bonus);
          expect(Number(state!.lots)).toBe(l.principal + l.bonus);
        }
        const [transfer] = await rows<{ n: string | number }>(database.db, sql`select coalesce(sum(amount_minor), 0) as n from stored_value_postings where workspace_id = ${ws}::uuid and account = 'merge_transfer'`);
        expect(Number(transfer!.n)).toBe(0);
      }),
      { numRuns: 40 },
    );
  });

  it("property: random top-ups, spends, partial refunds, top-up refunds and bonus expiry balance and match the cached balances, the lots and a model", { timeout: 300_000 }, async () => {
    const ws = await newWorkspace(services, "SV property");
    const ctx = systemContext(ws);
    const DAY = 86_400_000;
    const rules = [{ minTopupMinor: 1_000, bonusMinor: 100 }];
    await services.points.putSettings(ctx, { storedValue: { bonusRules: rules, bonusExpiryDays: 30 } });
    let k = 0;
    const op = fc.oneof(
      fc.record({ t: fc.constant("topup" as const), amount: fc.integer({ min: 1, max: 3_000 }) }),
      fc.record({ t: fc.constant("spend" as const), amount: fc.integer({ min: 1, max: 3_000 }), bonusFirst: fc.boolean() }),
      fc.record({ t: fc.constant("refund" as const), pick: fc.nat(), part: fc.option(fc.nat(), { nil: undefined }) }),
      fc.record({ t: fc.constant("topupRefund" as const), pick: fc.nat() }),
      fc.record({ t: fc.constant("time" as const), days: fc.integer({ min: 1, max: 40 }), job: fc.boolean() }),
    );
    type Lot = { id: string; p: number; b: number; expires: number | null; refunded: boolean };
    type Alloc = { lot: Lot; p: number; b: number };
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 15 }), async (ops) => {
        const p = await newProfile(database.db, ws);
        const lots: Lot[] = [];
        const spends: { orderId: string; P: number; B: number; backP: number; backB: number; taken: Alloc[]; room: Map<Lot, { p: number; b: number }> }[] = [];
        const total = (f: "p" | "b") => lots.reduce((s, l) => s + l[f], 0);
        const expireModel = () => {
          for (const l of lots) if (l.b > 0 && l.expires !== null && l.expires <= clock.now().getTime()) l.b = 0;
        };
        for (const o of ops) {
          if (o.t === "time") {
            clock.advance(o.days * DAY);
            if (o.job) {
              await services.storedValue.runBonusExpiry();
              expireModel();
            }
            // Without the job, the next operation of this member expires its due bonus first.
          } else if (o.t === "topup") {
            const r = await services.storedValue.topUp(ctx, p, { amountMinor: o.amount, reference: "x", idempotencyKey: `k-${++k}` });
            expireModel();
            const bonus = o.amount >= 1_000 ? 100 : 0;
            lots.push({ id: r.transaction.id, p: o.amount, b: bonus, expires: bonus > 0 ? clock.now().getTime() + 30 * DAY : null, refunded: false });
          } else if (o.t === "spend") {
            await services.points.putSettings(ctx, { storedValue: { bonusRules: rules, bonusExpiryDays: 30, spendOrder: o.bonusFirst ? "bonus_first" : "principal_first" } });
            const orderId = `o-${++k}`;
            const snapshot = lots.map((l) => l.b);
            expireModel();
            const P0 = total("p");
            const B0 = total("b");
            try {
              const r = await services.storedValue.spend(ctx, p, { amountMinor: o.amount, orderId, idempotencyKey: `k-${k}` });
              expect(o.amount).toBeLessThanOrEqual(P0 + B0);
              const fromBonus = o.bonusFirst ? Math.min(o.amount, B0) : o.amount - Math.min(o.amount, P0);
              expect(r.transaction).toMatchObject({ principalMinor: o.amount - fromBonus, bonusMinor: fromBonus });
              const taken = new Map<Lot, Alloc>();
              const take = (f: "p" | "b", amount: number) => {
                let left = amount;
                for (const l of lots) {
                  const n = Math.min(left, l[f]);
                  if (n === 0) continue;
                  const a = taken.get(l) ?? { lot: l, p: 0, b: 0 };
                  a[f] += n;
                  l[f] -= n;
                  taken.set(l, a);
                  left -= n;
                }
              };
              take("p", o.amount - fromBonus);
              take("b", fromBonus);
              spends.push({ orderId, P: o.amount - fromBonus, B: fromBonus, backP: 0, backB: 0, taken: [...taken.values()], room: new Map([...taken.values()].map((a) => [a.lot, { p: a.p, b: a.b }])) });
            } catch (error) {
              if (!(error instanceof DomainError) || error.code !== "loyalty.insufficient_balance") throw error;
              expect(o.amount).toBeGreaterThan(P0 + B0);
              // A refused operation rolls back whole, the expiry it began with included.
              lots.forEach((l, i) => (l.b = snapshot[i]!));
            }
          } else if (o.t === "refund") {
            const open = spends.filter((s) => s.backP + s.backB < s.P + s.B);
            if (open.length === 0) continue;
            const s = open[o.pick % open.length]!;
            const left = s.P + s.B - s.backP - s.backB;
            const amount = o.part === undefined ? undefined : 1 + (o.part % left);
            const r = await services.storedValue.refund(ctx, p, { orderId: s.orderId, amountMinor: amount, idempotencyKey: `k-${++k}` });
            expireModel();
            const n = amount ?? left;
            const principal = Math.round(((s.backP + s.backB + n) * s.P) / (s.P + s.B)) - s.backP;
            expect(r.transaction).toMatchObject({ principalMinor: principal, bonusMinor: n - principal });
            s.backP += principal;
            s.backB += n - principal;
            const give = (f: "p" | "b", amount: number) => {
              let rest = amount;
              for (const [lot, room] of [...s.room.entries()].reverse()) {
                const x = Math.min(rest, room[f]);
                if (x <= 0) continue;
                room[f] -= x;
                lot[f] += x;
                rest -= x;
              }
              expect(rest).toBe(0);
            };
            give("p", principal);
            give("b", n - principal);
            // Bonus given back to a lot already past its expiry expires on the member's next operation or job run.
          } else {
            const candidates = lots.filter((l) => !l.refunded);
            if (candidates.length === 0) continue;
            const lot = candidates[o.pick % candidates.length]!;
            const snapshot = lots.map((l) => l.b);
            expireModel();
            try {
              const r = await services.storedValue.refundTopUp(ctx, p, lot.id, { reason: "cash out", idempotencyKey: `k-${++k}` });
              expect(lot.p).toBeGreaterThan(0);
              expect(r.transaction).toMatchObject({ principalMinor: lot.p, bonusMinor: lot.b });
              lot.p = 0;
              lot.b = 0;
              lot.refunded = true;
            } catch (error) {
              if (!(error instanceof DomainError) || error.code !== "loyalty.topup_spent") throw error;
              expect(lot.p).toBe(0);
              lots.forEach((l, i) => (l.b = snapshot[i]!));
            }
          }
          const b = await services.storedValue.balance(ctx, p);
          expect([b.principalMinor, b.bonusMinor]).toEqual([total("p"), total("b")]);
          expect(b.principalMinor).toBeGreaterThanOrEqual(0);
          expect(b.bonusMinor).toBeGreaterThanOrEqual(0);
          expect(await ledger(ws, p)).toEqual({ unbalanced: 0, principal: total("p"), bonus: total("b") });
          const stored = await rows<{ topup_id: string; principal_remaining: string | number; bonus_remaining: string | number }>(
            database.db,
            sql`select topup_id, principal_remaining, bonus_remaining from stored_value_lots where workspace_id = ${ws}::uuid and profile_id = ${p}::uuid order by created_at, id`,
          );
          expect(stored.map((l) => [l.topup_id, Number(l.principal_remaining), Number(l.bonus_remaining)])).toEqual(lots.map((l) => [l.id, l.p, l.b]));
          expect(stored.every((l) => Number(l.principal_remaining) >= 0 && Number(l.bonus_remaining) >= 0)).toBe(true);
        }
      }),
      { numRuns: Number(process.env.SIYU_PROPERTY_RUNS || 40) },
    );
  });
});
