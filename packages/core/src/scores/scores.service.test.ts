import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWarehouse, type Warehouse } from "@siyu/storage";
import { sql } from "@siyu/storage/orm";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { listProfileEventsOf } from "../profile-events";
import { fixedClock } from "../shared/clock";
import { systemContext } from "../shared/context";
import { newId } from "../shared/ids";
import { rollUpEvents } from "../warehouse";
import { createScoresService } from "./scores.service";

let database: TestDatabase;
let warehouse: Warehouse;
const clock = fixedClock("2026-06-10T04:00:00Z");

beforeAll(async () => {
  database = await openTestDatabase();
  warehouse = await openWarehouse({ dataDir: null });
  await warehouse.migrate();
});
afterAll(async () => {
  await warehouse.close();
  await database.close();
});

async function addWorkspace(timezone = "Asia/Shanghai"): Promise<string> {
  const id = newId();
  await database.db.execute(sql`
    insert into workspaces (id, name, slug, timezone, currency, created_at, updated_at)
    values (${id}, 'Brand', ${`brand-${id}`}, ${timezone}, 'CNY', now(), now())`);
  return id;
}

interface ProfileInput {
  firstSeenAt: string;
  lastSeenAt?: string;
  lastOrderAt?: string | null;
  spendMinor?: number;
}

/** A profile in PostgreSQL (what the projector writes) with one identifier; returns ids. */
async function addProfile(workspaceId: string, p: ProfileInput): Promise<{ profileId: string; identifierId: string }> {
  const profileId = newId();
  const identifierId = newId();
  await database.db.execute(sql`
    insert into profiles (id, workspace_id, event_count, first_seen_at, last_seen_at, order_count, total_spend_minor, last_order_at, created_at, updated_at)
    values (${profileId}, ${workspaceId}, 1, ${p.firstSeenAt}, ${p.lastSeenAt ?? p.firstSeenAt}, 0, ${p.spendMinor ?? 0}, ${p.lastOrderAt ?? null}, now(), now())`);
  await database.db.execute(sql`
    insert into identity_identifiers (id, workspace_id, type, value, profile_id, origin_profile_id, first_seen_at)
    values (${identifierId}, ${workspaceId}, 'user_id', ${profileId}, ${profileId}, ${profileId}, ${p.firstSeenAt})`);
  return { profileId, identifierId };
}

let seq = 1_000_000;
async function addOrder(workspaceId: string, identifierId: string, orderId: string, ts: string, revenue: number) {
  seq += 1;
  await warehouse.run(
    `insert into events (workspace_id, seq, message_id, type, event, ts, received_at, identifier_id, order_id, revenue)
     values ($1::uuid, $2::bigint, $3, 'track', 'Order Completed', $4::timestamptz, $4::timestamptz, $5::uuid, $6, $7)`,
    [workspaceId, BigInt(seq), `m-${seq}`, ts, identifierId, orderId, revenue],
  );
  await warehouse.transaction((tx) => rollUpEvents(tx, seq)); // as the loader does
}

const scores = () => createScoresService({ db: database.db, warehouse, clock });

describe("lifecycle stages", () => {
  it("change on the boundary days, counted in the workspace's calendar", async () => {
    const ws = await addWorkspace("Asia/Shanghai");
    // now: 2026-06-10 12:00 in Shanghai.
    const now = new Date("2026-06-10T04:00:00Z");
    const cases: [string, ProfileInput, string][] = [
      // 7 local days ago (06-03 00:30 Shanghai) is still new; 23:30 the evening before is 8 days: growing.
      ["new", { firstSeenAt: "2026-06-02T16:30:00Z", lastSeenAt: "2026-06-10T00:00:00Z" }, "new"],
      ["growing", { firstSeenAt: "2026-06-02T15:30:00Z", lastSeenAt: "2026-06-10T00:00:00Z" }, "growing"],
      ["today", { firstSeenAt: "2026-06-10T03:00:00Z" }, "new"],
      ["90 days", { firstSeenAt: "2026-03-12T04:00:00Z", lastSeenAt: "2026-06-09T00:00:00Z" }, "growing"],
      ["91 days", { firstSeenAt: "2026-03-11T04:00:00Z", lastSeenAt: "2026-06-09T00:00:00Z" }, "mature"],
      ["89 inactive", { firstSeenAt: "2025-01-01T00:00:00Z", lastSeenAt: "2026-03-13T04:00:00Z" }, "mature"],
      ["90 inactive", { firstSeenAt: "2025-01-01T00:00:00Z", lastSeenAt: "2026-03-12T04:00:00Z" }, "dormant"],
      ["179 inactive", { firstSeenAt: "2025-01-01T00:00:00Z", lastSeenAt: "2025-12-13T04:00:00Z" }, "dormant"],
      ["180 inactive", { firstSeenAt: "2025-01-01T00:00:00Z", lastSeenAt: "2025-12-12T04:00:00Z" }, "churned"],
    ];
    const ids: string[] = [];
    for (const [, input] of cases) ids.push((await addProfile(ws, input)).profileId);
    const service = scores();
    const ctx = systemContext(ws);
    await service.recompute(ctx, { trigger: "manual", now });
    const stages = await Promise.all(ids.map(async (id) => (await service.customerScores(ctx, id)).lifecycleStage));
    expect(Object.fromEntries(cases.map(([name], i) => [name, stages[i]]))).toEqual(Object.fromEntries(cases.map(([name, , want]) => [name, want])));

    // Activity read from the last order instead: a visitor who never ordered is inactive since first seen.
    await service.updateSettings(ctx, { lifecycle: { activity: "last_order", dormantDays: 30, churnedDays: 60 } });
    const visitor = await addProfile(ws, { firstSeenAt: "2026-05-01T04:00:00Z", lastSeenAt: "2026-06-10T00:00:00Z" });
    const buyer = await addProfile(ws, { firstSeenAt: "2026-04-01T04:00:00Z", lastSeenAt: "2026-04-02T00:00:00Z", lastOrderAt: "2026-06-01T00:00:00Z" });
    await service.recompute(ctx, { trigger: "manual", now });
    expect((await service.customerScores(ctx, visitor.profileId)).lifecycleStage).toBe("dormant");
    expect((await service.customerScores(ctx, buyer.profileId)).lifecycleStage).toBe("growing");
  });
});

describe("recompute", () => {
  it("emits exactly the changes since the previous run, and nothing when nothing changed", async () => {
    const ws = await addWorkspace();
    const ctx = systemContext(ws);
    const service = scores();
    const p = await addProfile(ws, { firstSeenAt: "2026-06-01T04:00:00Z" });
    const steady = await addProfile(ws, { firstSeenAt: "2025-01-01T04:00:00Z", lastSeenAt: "2026-06-01T00:00:00Z" });

    const baseline = await service.recompute(ctx, { trigger: "manual", now: new Date("2026-06-05T04:00:00Z") });
    expect(baseline.baseline).toBe(true);
    expect(baseline.stages).toEqual({ new: 1, mature: 1 });
    expect(await listProfileEventsOf(database.db, ws, [p.profileId, steady.profileId], { limit: 50 })).toEqual([]);

    const again = await service.recompute(ctx, { trigger: "manual", now: new Date("2026-06-05T05:00:00Z") });
    expect(again.baseline).toBe(false);
    expect(again.transitions).toEqual({ lifecycle: 0, rfm: 0, valueTier: 0 });
    expect(await listProfileEventsOf(database.db, ws, [p.profileId, steady.profileId], { limit: 50 })).toEqual([]);

    // Two weeks on, p is growing; a newcomer appears.
    const newcomer = await addProfile(ws, { firstSeenAt: "2026-06-19T04:00:00Z" });
    const later = await service.recompute(ctx, { trigger: "schedule", now: new Date("2026-06-20T04:00:00Z") });
    expect(later.transitions).toEqual({ lifecycle: 2, rfm: 0, valueTier: 0 });
    const kinds = async (id: string) => (await listProfileEventsOf(database.db, ws, [id], { limit: 50 })).map((e) => [e.kind, e.payload]);
    expect(await kinds(p.profileId)).toEqual([["lifecycle.changed", { from: "new", to: "growing" }]]);
    expect(await kinds(newcomer.profileId)).toEqual([["lifecycle.changed", { from: null, to: "new" }]]);
    expect(await kinds(steady.profileId)).toEqual([]);

    // p orders: an RFM cell and a value tier.
    await addOrder(ws, p.identifierId, "o-1", "2026-06-19T04:00:00Z", 88);
    await database.db.execute(sql`update profiles set total_spend_minor = 8800, order_count = 1 where id = ${p.profileId}`);
    const bought = await service.recompute(ctx, { trigger: "manual", now: new Date("2026-06-20T05:00:00Z") });
    expect(bought.transitions).toEqual({ lifecycle: 0, rfm: 1, valueTier: 1 });
    expect((await kinds(p.profileId)).slice(0, 2)).toEqual([
      ["value_tier.changed", { from: "none", to: "svip" }],
      ["rfm.changed", { from: null, to: "need_attention" }],
    ]);
    const card = await service.customerScores(ctx, p.profileId);
    expect(card).toMatchObject({ r: 3, f: 3, m: 3, recencyDays: 1, frequency: 1, monetary: 88, cell: "need_attention", layer: "potential", lifecycleStage: "growing", valueTier: "svip" });

    const none = await service.recompute(ctx, { trigger: "manual", now: new Date("2026-06-20T06:00:00Z") });
    expect(none.transitions).toEqual({ lifecycle: 0, rfm: 0, valueTier: 0 });

    const rfm = await service.rfmOverview(ctx);
    expect(rfm.heatmap).toEqual([{ r: 3, f: 3, customers: 1, monetaryAvg: 88 }]);
    expect(rfm.cells).toEqual([{ cell: "need_attention", layer: "potential", customers: 1, share: 1, monetaryAvg: 88 }]);
    const pyramid = await service.valuePyramid(ctx);
    expect(pyramid.tiers.find((t) => t.tier === "svip")).toEqual({ tier: "svip", customers: 1, share: 0.3333, spendMinor: 8800 });
    clock.set("2026-06-21T00:00:00Z");
    const lifecycle = await service.lifecycleOverview(ctx);
    expect(lifecycle.recentTransitions).toEqual(
      expect.arrayContaining([
        { from: "new", to: "growing", count: 1 },
        { from: null, to: "new", count: 1 },
      ]),
    );
  });

  it("runs daily after the workspace's local hour", async () => {
    const ws = await addWorkspace("Asia/Shanghai");
    await addProfile(ws, { firstSeenAt: "2026-06-01T04:00:00Z" });
    const service = scores();
    // 02:30 in Shanghai: before the default 03:00.
    const early = await service.runDue(new Date("2026-06-09T18:30:00Z"));
    expect(early).toEqual([]);
    const due = await service.runDue(new Date("2026-06-09T19:30:00Z"));
    expect(due).toHaveLength(1);
    expect(due[0]).toMatchObject({ trigger: "schedule", profiles: 1, stages: { growing: 1 } });
    expect(await service.runDue(new Date("2026-06-09T23:00:00Z"))).toEqual([]);
  });

  it("says plainly when the server runs without the warehouse", async () => {
    const ws = await addWorkspace();
    const service = createScoresService({ db: database.db, clock });
    await expect(service.recompute(systemContext(ws))).rejects.toMatchObject({ code: "scores.warehouse_unavailable", status: 503 });
    // Reading what was computed does not need it.
    expect((await service.rfmOverview(systemContext(ws))).computedAt).toBeNull();
  });
});
