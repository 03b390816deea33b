import fc from "fast-check";
import { sql } from "@siyu/storage/orm";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoreServices } from "../../services";
import { fixedClock } from "../../shared/clock";
import { systemContext } from "../../shared/context";
import { DomainError } from "../../shared/domain-error";
import { expectConsistent, loyaltyServices, newProfile, newWorkspace } from "../loyalty.test-helpers";
import { rows } from "../points/points.ledger";

/**
 * Random sequences of redeem, cancel (sometimes twice) and draw over random stock, for two members, checked
 * after every step: stock never negative and equal to the initial stock minus the units given and not
 * cancelled; balance == sum(ledger) and equal to a model (a cancel gives back exactly once); a prize never
 * given beyond its stock; every refusal carries its own code.
 */
let database: TestDatabase;
let services: CoreServices;
const clock = fixedClock("2026-05-01T02:00:00Z");
let serial = 0;

beforeAll(async () => {
  database = await openTestDatabase();
  services = loyaltyServices(database.db, clock);
});
afterAll(async () => {
  await database?.close();
});

type Op = { t: "redeem"; who: number; item: number } | { t: "cancel"; pick: number } | { t: "draw"; who: number } | { t: "day" };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant("redeem" as const), who: fc.integer({ min: 0, max: 1 }), item: fc.integer({ min: 0, max: 1 }) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("cancel" as const), pick: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant("draw" as const), who: fc.integer({ min: 0, max: 1 }) }) },
  { weight: 1, arbitrary: fc.constant({ t: "day" as const }) },
);

const EXPECTED_REFUSALS = new Set(["loyalty.out_of_stock", "loyalty.insufficient_points", "loyalty.limit_reached", "loyalty.redemption_closed"]);

describe(`catalogue and lottery property (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("stock never negative, balances == ledger == model, prizes within stock, a cancel restores once", { timeout: 600_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          stocks: fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })),
          costs: fc.tuple(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 400 })),
          prizeStock: fc.integer({ min: 0, max: 3 }),
          drawCost: fc.integer({ min: 0, max: 100 }),
          points: fc.tuple(fc.integer({ min: 0, max: 1500 }), fc.integer({ min: 0, max: 1500 })),
          ops: fc.array(op, { minLength: 1, maxLength: 14 }),
        }),
        async (s) => {
          clock.set("2026-05-01T02:00:00Z");
          const ws = await newWorkspace(services, `Property ${++serial}`);
          const ctx = systemContext(ws);
          const members = [await newProfile(database.db, ws), await newProfile(database.db, ws)];
          const model = [0, 0];
          for (const [i, p] of members.entries()) {
            if (s.points[i]! > 0) await services.points.adjust(ctx, p, { delta: s.points[i]!, reason: "seed", idempotencyKey: `seed-${serial}-${i}` });
            model[i] = s.points[i]!;
          }
          const items = [
            await services.catalogue.createItem(ctx, { kind: "goods", sku: "A", name: "A", pointsCost: s.costs[0], stock: s.stocks[0], perMemberDailyLimit: 2 }),
            await services.catalogue.createItem(ctx, { kind: "goods", sku: "B", name: "B", pointsCost: s.costs[1], stock: s.stocks[1] }),
          ];
          const campaign = await services.lottery.create(ctx, {
            name: "Draw",
            pointsCost: s.drawCost,
            prizes: [
              { name: "30 points", kind: "points", points: 30, weight: 3, stock: s.prizeStock },
              { name: "Goods A", kind: "goods", itemId: items[0]!.id, weight: 1, stock: 1 },
              { name: "Thanks", kind: "none", weight: 2 },
            ],
          });
          const orders: { id: string; who: number; cost: number; open: boolean }[] = [];
          let step = 0;
          for (const o of s.ops) {
            step += 1;
            try {
              if (o.t === "redeem") {
                const r = await services.catalogue.redeem(ctx, members[o.who]!, { itemId: items[o.item]!.id, idempotencyKey: `r-${serial}-${step}` });
                model[o.who]! -= s.costs[o.item]!;
                orders.push({ id: r.redemption.id, who: o.who, cost: s.costs[o.item]!, open: true });
              } else if (o.t === "cancel") {
                const all = (await services.catalogue.listRedemptions(ctx, { limit: 200 })).items;
                if (all.length === 0) continue;
                const target = all[o.pick % all.length]!;
                await services.catalogue.cancel(ctx, target.id, { reason: "property" });
                const mine = orders.find((x) => x.id === target.id);
                expect(mine?.open ?? target.source === "lottery", "a cancel succeeded twice").toBe(true);
                if (mine) {
                  mine.open = false;
                  model[mine.who]! += mine.cost;
                }
              } else if (o.t === "draw") {
                const d = await services.lottery.draw(ctx, campaign.id, members[o.who]!, { idempotencyKey: `d-${serial}-${step}` });
                model[o.who]! += (d.draw.pointsAwarded ?? 0) - s.drawCost;
              } else {
                clock.set(new Date(clock.now().getTime() + 86_400_000));
              }
            } catch (error) {
              if (!(error instanceof DomainError) || !EXPECTED_REFUSALS.has(error.code)) throw error;
            }
            for (const [i, p] of members.entries()) {
              const state = await expectConsistent(database.db, ws, p);
              expect(state.available, `member ${i} after step ${step}`).toBe(model[i]);
            }
            for (const [i, item] of items.entries()) {
              const [c] = await rows<{ stock: number; given: number }>(
                database.db,
                sql`select i.stock, (select count(*)::int from redemption_orders o where o.item_id = i.id and o.status <> 'cancelled') as given from catalogue_items i where i.id = ${item.id}::uuid`,
              );
              expect(c!.stock).toBeGreaterThanOrEqual(0);
              expect(c!.stock + c!.given, `item ${i} after step ${step}`).toBe(s.stocks[i]);
            }
            const prizes = await rows<{ stock: number | null; awarded_count: number; won: number; kind: string }>(
              database.db,
              sql`select p.stock, p.awarded_count, p.kind, (select count(*)::int from lottery_draws d where d.prize_id = p.id) as won from lottery_prizes p where p.campaign_id = ${campaign.id}::uuid order by position`,
            );
            expect(prizes[0]!.won).toBeLessThanOrEqual(s.prizeStock);
            expect(prizes[0]!.stock! + prizes[0]!.won).toBe(s.prizeStock);
            expect(prizes[1]!.won).toBeLessThanOrEqual(1);
            for (const p of prizes) expect(p.awarded_count).toBe(p.won);
          }
        },
      ),
      { numRuns: 15 },
    );
  });
});
