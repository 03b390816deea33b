import { randomInt } from "node:crypto";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LotteryCampaignInput } from "@siyu/contracts";
import type { CoreServices } from "../../services";
import { fixedClock } from "../../shared/clock";
import { systemContext } from "../../shared/context";
import { expectConsistent, loyaltyServices, newProfile, newWorkspace } from "../loyalty.test-helpers";
import { pickByWeight } from "./lottery.ledger";

let database: TestDatabase;
let services: CoreServices;
const clock = fixedClock("2026-05-01T02:00:00Z");
let serial = 0;
const key = () => `d-${++serial}`;

beforeAll(async () => {
  database = await openTestDatabase();
  services = loyaltyServices(database.db, clock);
});
afterAll(async () => {
  await database?.close();
});

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

/** random(n) that always lands on the entry at `index` of the pool (weights are all 1 in these tests). */
const land = (index: number) => (n: number) => Math.min(index, n - 1);

describe(`lottery (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("a draw takes its cost, gives the prize and records the draw; a replay returns it; the key elsewhere is a conflict", async () => {
    clock.set("2026-05-01T02:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const p = await member(ws, 100);
    const campaign = await services.lottery.create(ctx, {
      name: "Spring draw",
      pointsCost: 20,
      prizes: [
        { name: "50 points", kind: "points", points: 50, weight: 1 },
        { name: "Thanks", kind: "none", weight: 1 },
      ],
    });
    const first = await services.lottery.draw(ctx, campaign.id, p, { idempotencyKey: "draw-1" }, land(0));
    expect(first.draw).toMatchObject({ prizeKind: "points", pointsAwarded: 50, pointsCost: 20, prizeName: "50 points" });
    expect(first.balance.available).toBe(130);
    const again = await services.lottery.draw(ctx, campaign.id, p, { idempotencyKey: "draw-1" }, land(1));
    expect(again).toMatchObject({ replayed: true, draw: { id: first.draw.id } });
    expect(again.balance.available).toBe(130);
    const other = await services.lottery.create(ctx, { name: "Other", pointsCost: 0, prizes: [{ name: "Thanks", kind: "none", weight: 1 }] });
    expect(await codeOf(services.lottery.draw(ctx, other.id, p, { idempotencyKey: "draw-1" }))).toBe("loyalty.idempotency_conflict");
    const none = await services.lottery.draw(ctx, campaign.id, p, { idempotencyKey: key() }, land(1));
    expect(none.draw).toMatchObject({ prizeKind: "none", pointsAwarded: null });
    expect(none.balance.available).toBe(110);
    await expectConsistent(database.db, ws, p);
  });

  it("gives a prize at most its stock, then falls back to the others and to no prize; without a no-prize entry an empty lottery refuses", async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const p = await member(ws, 0);
    const campaign = await services.lottery.create(ctx, {
      name: "Free",
      pointsCost: 0,
      prizes: [
        { name: "Tumbler", kind: "points", points: 5, weight: 1, stock: 2 },
        { name: "Thanks", kind: "none", weight: 1 },
      ],
    });
    const kinds: string[] = [];
    for (let i = 0; i < 4; i++) kinds.push((await services.lottery.draw(ctx, campaign.id, p, { idempotencyKey: key() }, land(0))).draw.prizeKind);
    expect(kinds).toEqual(["points", "points", "none", "none"]);
    const stats = await services.lottery.stats(ctx, campaign.id);
    expect(stats).toMatchObject({ draws: 4, members: 1, pointsSpent: 0 });
    expect(stats.prizes.map((x) => [x.name, x.awarded, x.stock])).toEqual([
      ["Tumbler", 2, 0],
      ["Thanks", 2, null],
    ]);
    const bare = await services.lottery.create(ctx, { name: "Bare", pointsCost: 0, prizes: [{ name: "10 points", kind: "points", points: 10, weight: 1, stock: 1 }] });
    await services.lottery.draw(ctx, bare.id, p, { idempotencyKey: key() });
    expect(await codeOf(services.lottery.draw(ctx, bare.id, p, { idempotencyKey: key() }))).toBe("loyalty.out_of_stock");
    expect((await services.lottery.stats(ctx, bare.id)).draws).toBe(1);
  });

  it("coupon and goods prizes: a coupon issued in the draw's transaction, goods as a lottery redemption order with the item's stock", async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const p = await member(ws, 0);
    const template = await services.coupons.createTemplate(ctx, { name: "Free cup", kind: "free_item", itemSku: "CUP", validity: { kind: "relative", days: 7 }, perMemberLimit: 1 });
    const tote = await services.catalogue.createItem(ctx, { kind: "goods", sku: "TOTE", name: "Tote bag", pointsCost: 900, stock: 1 });
    const campaign = await services.lottery.create(ctx, {
      name: "Prizes",
      pointsCost: 0,
      prizes: [
        { name: "Free cup", kind: "coupon", templateId: template.id, weight: 1 },
        { name: "Tote", kind: "goods", itemId: tote.id, weight: 1 },
        { name: "Thanks", kind: "none", weight: 1 },
      ],
    });
    const cup = await services.lottery.draw(ctx, campaign.id, p, { idempotencyKey: key() }, land(0));
    expect(cup.draw.prizeKind).toBe("coupon");
    expect((await services.coupons.listOfCustomer(ctx, p)).map((c) => c.id)).toEqual([cup.draw.couponId]);
    // The member already holds the one cup the template allows: that prize falls back to no prize.
    const second = await services.lottery.draw(ctx, campaign.id, p, { idempotencyKey: key() }, land(0));
    expect(second.draw.prizeKind).toBe("none");
    const bag = await services.lottery.draw(ctx, campaign.id, p, { idempotencyKey: key() }, land(1));
    expect(bag.draw.prizeKind).toBe("goods");
    const order = await services.catalogue.getRedemption(ctx, bag.draw.redemptionId!);
    expect(order).toMatchObject({ source: "lottery", status: "pending", pointsCost: 0, itemId: tote.id });
    expect((await services.catalogue.getItem(ctx, tote.id)).stock).toBe(0);
    // No tote left: the goods prize leaves the pool.
    expect((await services.lottery.draw(ctx, campaign.id, p, { idempotencyKey: key() }, land(1))).draw.prizeKind).toBe("none");
    await services.catalogue.cancel(ctx, order.id, { reason: "member declined" });
    expect((await services.catalogue.getItem(ctx, tote.id)).stock).toBe(1);
    const listed = await services.lottery.listDraws(ctx, campaign.id, { limit: 2 });
    expect(listed.items).toHaveLength(2);
    expect(listed.nextCursor).not.toBeNull();
  });

  it("limits, dates, pause and too few points refuse with their codes and leave no draw", async () => {
    clock.set("2026-05-01T02:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const p = await member(ws, 25);
    const terms: LotteryCampaignInput = { name: "Daily", pointsCost: 10, perMemberDailyLimit: 1, perMemberLimit: 2, prizes: [{ name: "Thanks", kind: "none", weight: 1 }] };
    const campaign = await services.lottery.create(ctx, terms);
    await services.lottery.draw(ctx, campaign.id, p, { idempotencyKey: key() });
    expect(await codeOf(services.lottery.draw(ctx, campaign.id, p, { idempotencyKey: key() }))).toBe("loyalty.limit_reached");
    clock.set("2026-05-02T02:00:00Z");
    await services.lottery.draw(ctx, campaign.id, p, { idempotencyKey: key() });
    clock.set("2026-05-03T02:00:00Z");
    expect(await codeOf(services.lottery.draw(ctx, campaign.id, p, { idempotencyKey: key() }))).toBe("loyalty.limit_reached");
    const open = await services.lottery.create(ctx, { ...terms, perMemberDailyLimit: null, perMemberLimit: null });
    expect(await codeOf(services.lottery.draw(ctx, open.id, p, { idempotencyKey: key() }))).toBe("loyalty.insufficient_points");
    expect((await services.lottery.stats(ctx, open.id)).draws).toBe(0);
    await services.lottery.update(ctx, open.id, { ...terms, status: "paused" });
    expect(await codeOf(services.lottery.draw(ctx, open.id, p, { idempotencyKey: key() }))).toBe("loyalty.campaign_unavailable");
    await services.lottery.update(ctx, open.id, { ...terms, endsAt: "2026-05-03T00:00:00Z" });
    expect(await codeOf(services.lottery.draw(ctx, open.id, p, { idempotencyKey: key() }))).toBe("loyalty.campaign_unavailable");
    await services.lottery.remove(ctx, open.id);
    expect(await codeOf(services.lottery.draw(ctx, open.id, p, { idempotencyKey: key() }))).toBe("loyalty.campaign_not_found");
    const mine = await services.lottery.memberLotteries(ws, p);
    expect(mine.map((c) => [c.id, c.drawsLeftToday, c.drawsLeft])).toEqual([[campaign.id, 1, 0]]);
    await expectConsistent(database.db, ws, p);
  });

  it("editing keeps a prize's count when sent back with its id and removes the prizes left out", async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const p = await member(ws, 0);
    const campaign = await services.lottery.create(ctx, {
      name: "Edit",
      pointsCost: 0,
      prizes: [
        { name: "5 points", kind: "points", points: 5, weight: 1, stock: 10 },
        { name: "Thanks", kind: "none", weight: 1 },
      ],
    });
    await services.lottery.drawForMember(ws, campaign.id, p, { idempotencyKey: key() });
    const kept = campaign.prizes[0]!;
    const drawn = (await services.lottery.get(ctx, campaign.id)).prizes[0]!;
    const updated = await services.lottery.update(ctx, campaign.id, {
      name: "Edit",
      pointsCost: 0,
      prizes: [{ id: kept.id, name: "5 points", kind: "points", points: 5, weight: 3, stock: drawn.stock }],
    });
    expect(updated.prizes).toHaveLength(1);
    expect(updated.prizes[0]).toMatchObject({ id: kept.id, weight: 3, awardedCount: drawn.awardedCount });
    expect(await codeOf(services.lottery.create(ctx, { name: "Bad", pointsCost: 0, prizes: [{ name: "Tote", kind: "goods", itemId: kept.id, weight: 1 }] }))).toBe("loyalty.item_not_found");
  });

  it("draw frequencies follow the weights (20,000 picks with crypto randomness, each prize within 5σ)", () => {
    const prizes = [
      { id: "a", weight: 1 },
      { id: "b", weight: 4 },
      { id: "c", weight: 15 },
      { id: "none", weight: 80 },
    ];
    const n = 20_000;
    const seen: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const pick = pickByWeight(prizes, randomInt)!;
      seen[pick.id] = (seen[pick.id] ?? 0) + 1;
    }
    let chiSquare = 0;
    for (const p of prizes) {
      const share = p.weight / 100;
      const expected = n * share;
      const sigma = Math.sqrt(n * share * (1 - share));
      expect(Math.abs((seen[p.id] ?? 0) - expected), `prize ${p.id}: ${seen[p.id]} vs ${expected}`).toBeLessThan(5 * sigma);
      chiSquare += ((seen[p.id] ?? 0) - expected) ** 2 / expected;
    }
    // 3 degrees of freedom: P(χ² > 40) ≈ 1e-8.
    expect(chiSquare).toBeLessThan(40);
  });
});
