import { sql } from "@siyu/storage/orm";
import { openTestDatabase, testServerUrl, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoreServices } from "../../services";
import { systemClock } from "../../shared/clock";
import { DomainError } from "../../shared/domain-error";
import { newId } from "../../shared/ids";
import { systemContext } from "../../shared/context";
import { loyaltyServices, newWorkspace } from "../loyalty.test-helpers";
import { rows } from "../points/points.ledger";

/**
 * Real concurrency needs the PostgreSQL server (PGlite runs one statement at a time): `npm run test:pg`
 * sets DATABASE_URL_TEST, and CI's PostgreSQL step always does.
 */
const server = testServerUrl();
if (!server) console.log("SKIPPED catalogue and lottery concurrency tests: no PostgreSQL server (DATABASE_URL_TEST is unset; run `npm run test:pg -- packages/core/src/loyalty`)");

let database: TestDatabase;
let services: CoreServices;

describe.skipIf(!server)("catalogue and lottery under concurrency (postgres)", () => {
  beforeAll(async () => {
    database = await openTestDatabase();
    services = loyaltyServices(database.db, systemClock);
  });
  afterAll(async () => {
    await database?.close();
  });

  function codesOf(results: PromiseSettledResult<unknown>[]) {
    const counts: Record<string, number> = {};
    for (const r of results) {
      const key = r.status === "fulfilled" ? "ok" : r.reason instanceof DomainError ? r.reason.code : String(r.reason);
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  /** Members with `points` each, through the ledger's own adjustment (one bucket each). */
  async function members(ws: string, count: number, points: number): Promise<string[]> {
    const ids = Array.from({ length: count }, () => newId());
    await database.db.execute(sql`insert into profiles (id, workspace_id, created_at, updated_at) select unnest(${`{${ids.join(",")}}`}::uuid[]), ${ws}::uuid, now(), now()`);
    const ctx = systemContext(ws);
    for (let i = 0; i < ids.length; i += 50) {
      await Promise.all(ids.slice(i, i + 50).map((id) => services.points.adjust(ctx, id, { delta: points, reason: "seed", idempotencyKey: `seed-${id}` })));
    }
    return ids;
  }

  async function ledgerTotals(ws: string) {
    const [r] = await rows<{ cached: string; summed: string; buckets: string }>(
      database.db,
      sql`select (select coalesce(sum(available), 0) from points_accounts where workspace_id = ${ws}::uuid) as cached,
                 (select coalesce(sum(delta), 0) from points_entries where workspace_id = ${ws}::uuid) as summed,
                 (select coalesce(sum(remaining), 0) from points_buckets where workspace_id = ${ws}::uuid and status = 'available') as buckets`,
    );
    return { cached: Number(r!.cached), summed: Number(r!.summed), buckets: Number(r!.buckets) };
  }

  it("500 concurrent redemptions of an item with stock 50 give exactly 50 and take exactly 50 × the cost", { timeout: 180_000 }, async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const ids = await members(ws, 500, 1000);
    const item = await services.catalogue.createItem(ctx, { kind: "goods", sku: "TUMBLER", name: "Tumbler", pointsCost: 300, stock: 50 });
    const before = await ledgerTotals(ws);
    const results = await Promise.allSettled(ids.map((id) => services.catalogue.redeem(ctx, id, { itemId: item.id, idempotencyKey: `r-${id}` })));
    expect(codesOf(results)).toEqual({ ok: 50, "loyalty.out_of_stock": 450 });
    expect(await services.catalogue.getItem(ctx, item.id)).toMatchObject({ stock: 0, redeemedCount: 50 });
    const [orders] = await rows<{ n: number }>(database.db, sql`select count(*)::int as n from redemption_orders where item_id = ${item.id}::uuid`);
    expect(orders!.n).toBe(50);
    const after = await ledgerTotals(ws);
    expect(before.summed - after.summed).toBe(50 * 300);
    expect(after.cached).toBe(after.summed);
    expect(after.buckets).toBe(after.cached);
  });

  it("300 concurrent draws never give a prize of stock 10 more than 10 times", { timeout: 180_000 }, async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const ids = await members(ws, 300, 100);
    const campaign = await services.lottery.create(ctx, {
      name: "Rush",
      pointsCost: 10,
      prizes: [
        { name: "Tote", kind: "points", points: 500, weight: 50, stock: 10 },
        { name: "Thanks", kind: "none", weight: 1 },
      ],
    });
    const before = await ledgerTotals(ws);
    const results = await Promise.allSettled(ids.map((id) => services.lottery.draw(ctx, campaign.id, id, { idempotencyKey: `d-${id}` })));
    expect(codesOf(results)).toEqual({ ok: 300 });
    const stats = await services.lottery.stats(ctx, campaign.id);
    const tote = stats.prizes.find((p) => p.name === "Tote")!;
    expect(tote.awarded).toBeLessThanOrEqual(10);
    // With weight 50 : 1 the ten are all but certainly given.
    expect(tote.awarded).toBe(10);
    expect(tote.stock).toBe(0);
    expect(stats.draws).toBe(300);
    const after = await ledgerTotals(ws);
    expect(after.summed - before.summed).toBe(10 * 500 - 300 * 10);
    expect(after.cached).toBe(after.summed);
    expect(after.buckets).toBe(after.cached);
  });

  it("50 concurrent replays of one redemption key have one effect", { timeout: 60_000 }, async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const [id] = await members(ws, 1, 1000);
    const item = await services.catalogue.createItem(ctx, { kind: "goods", sku: "TOTE", name: "Tote", pointsCost: 100, stock: 20 });
    const results = await Promise.all(Array.from({ length: 50 }, () => services.catalogue.redeem(ctx, id!, { itemId: item.id, idempotencyKey: "once" })));
    expect(new Set(results.map((r) => r.redemption.id)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect((await services.points.balance(ctx, id!)).available).toBe(900);
    expect((await services.catalogue.getItem(ctx, item.id)).stock).toBe(19);
  });
});
