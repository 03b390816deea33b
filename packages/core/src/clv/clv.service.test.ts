import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWarehouse, type Warehouse } from "@siyu/storage";
import { sql } from "@siyu/storage/orm";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { auditEntries } from "../audit/audit.schema";
import { createCoreServices, type CoreServices } from "../services";
import { fixedClock } from "../shared/clock";
import { systemContext } from "../shared/context";
import { DEFAULT_ACCESS_SETTINGS } from "../access";
import { newId } from "../shared/ids";
import { refreshWorkspaceClv } from "./clv-refresh";
import { createClvService } from "./clv.service";
import { readProfileClv } from "./clv.repository";
import { DEFAULT_CLV_SETTINGS } from "./clv.settings";
import { simulateClv } from "./clv-simulate";
import { probabilityAlive } from "./bg-nbd";

const NOW = new Date("2026-06-30T12:00:00Z");
const DAY = 86_400_000;

let database: TestDatabase;
let warehouse: Warehouse;
let services: CoreServices;
const clock = fixedClock(NOW);

beforeAll(async () => {
  database = await openTestDatabase();
  warehouse = await openWarehouse({ dataDir: null });
  await warehouse.migrate();
  services = createCoreServices({ db: database.db, warehouse, clock, settings: { access: DEFAULT_ACCESS_SETTINGS } });
});
afterAll(async () => {
  await warehouse.close();
  await database.close();
});

let seq = 0;
interface Order {
  profileId: string | null;
  ts: Date;
  revenue: number | null;
  orderId?: string;
  event?: string;
}

/** What the warehouse loader and the profile snapshot would write: events with an anchor identifier, identifiers → live profile. */
async function loadOrders(workspaceId: string, orders: Order[]) {
  const identifierOf = new Map<string, string>();
  const identifiers: (string | null)[][] = [];
  const rows = orders.map((o) => {
    let identifier: string | null = null;
    if (o.profileId) {
      identifier = identifierOf.get(o.profileId) ?? newId();
      if (!identifierOf.has(o.profileId)) {
        identifierOf.set(o.profileId, identifier);
        identifiers.push([workspaceId, identifier, "user_id", `u-${o.profileId}`, o.profileId]);
      }
    } else {
      identifier = newId(); // an anchor the snapshot does not know (yet): no profile
    }
    seq++;
    const orderId = o.orderId ?? `o-${seq}`;
    return [workspaceId, seq, `m-${seq}`, "track", o.event ?? "Order Completed", null, null, o.ts, o.ts, identifier, null, null, null, null, null, orderId, null, o.revenue, "CNY", null, null, null];
  });
  await warehouse.transaction(async (tx) => {
    await tx.append("events", rows);
    await tx.append("profile_identifiers", identifiers);
  });
}

/** Orders simulated from BG/NBD + Gamma-Gamma in days, ending at NOW. */
function simulatedOrders(customers: number, seed: number): { orders: Order[]; profiles: string[] } {
  const sim = simulateClv({ bgNbd: { r: 0.6, alpha: 30, a: 0.7, b: 3 }, gammaGamma: { p: 4, q: 5, gamma: 300 }, customers, minT: 60, maxT: 500, seed });
  const orders: Order[] = [];
  const profiles: string[] = [];
  for (const c of sim) {
    const profileId = newId();
    profiles.push(profileId);
    const first = NOW.getTime() - c.T * DAY;
    for (const p of c.purchases) orders.push({ profileId, ts: new Date(first + p.time * DAY), revenue: Math.round(p.value * 100) / 100 });
  }
  return { orders, profiles };
}

describe("refreshWorkspaceClv", () => {
  it("fits the workspace's orders and writes one prediction per ordering live profile", async () => {
    const workspaceId = newId();
    const { orders, profiles } = simulatedOrders(600, 11);
    await loadOrders(workspaceId, orders);
    const result = await refreshWorkspaceClv({ warehouse, workspaceId, now: NOW, settings: DEFAULT_CLV_SETTINGS, timeZone: "Asia/Shanghai" });
    expect(result.status).toBe("fitted");
    if (result.status !== "fitted") return;
    expect(result.scoredProfiles).toBe(600);
    expect(result.calibrationEnd).toBe("2026-06-30");
    expect(result.fit.gammaGamma).toBeDefined();
    const row = (await readProfileClv(warehouse, workspaceId, profiles[0]!))!;
    expect(row.pAlive).toBeGreaterThan(0);
    expect(row.pAlive).toBeLessThanOrEqual(1);
    expect(row.expectedPurchases[0]).toBeLessThan(row.expectedPurchases[1]);
    expect(row.expectedPurchases[1]).toBeLessThan(row.expectedPurchases[2]);
    expect(row.expectedValue![2]).toBeCloseTo(row.expectedPurchases[2] * row.expectedOrderValue!, 6);
    expect(row.nextPurchaseFrom!.getTime()).toBeGreaterThan(NOW.getTime());
    expect(row.nextPurchaseTo!.getTime()).toBeGreaterThan(row.nextPurchaseFrom!.getTime());
    expect(row.computedAt.toISOString()).toBe(NOW.toISOString());

    // A refit replaces the rows rather than adding to them.
    await refreshWorkspaceClv({ warehouse, workspaceId, now: NOW, settings: DEFAULT_CLV_SETTINGS, timeZone: "Asia/Shanghai" });
    const [count] = await warehouse.query<{ n: bigint }>("select count(*) as n from profile_clv where workspace_id = $1::uuid", [workspaceId]);
    expect(Number(count!.n)).toBe(600);
  }, 60_000);

  it("merges same-day orders, counts a resent order once, leaves out refunded orders and events without a profile", async () => {
    const workspaceId = newId();
    const { orders } = simulatedOrders(300, 12);
    const probe = newId();
    const day = (d: number, hour = 0) => new Date(NOW.getTime() - d * DAY + hour * 3_600_000);
    orders.push(
      { profileId: probe, ts: day(100), revenue: 50 },
      // NOW is 20:00 in Asia/Shanghai: 2 hours later is the same local day.
      { profileId: probe, ts: day(100, 2), revenue: 30 },
      { profileId: probe, ts: day(40), revenue: 100, orderId: "twice" },
      { profileId: probe, ts: day(40, 1), revenue: 100, orderId: "twice" },
      { profileId: probe, ts: day(10), revenue: 900, orderId: "refunded" },
      { profileId: probe, ts: day(9), revenue: null, orderId: "refunded", event: "Order Refunded" },
      { profileId: null, ts: day(5), revenue: 70 },
    );
    await loadOrders(workspaceId, orders);
    const result = await refreshWorkspaceClv({ warehouse, workspaceId, now: NOW, settings: DEFAULT_CLV_SETTINGS, timeZone: "Asia/Shanghai" });
    expect(result.status).toBe("fitted");
    if (result.status !== "fitted") return;
    const row = (await readProfileClv(warehouse, workspaceId, probe))!;
    // x = 1 repeat day (day 40, worth 100), t_x = 60 days, T = 100 days (the first order's local day to NOW's).
    const c = { x: 1, tx: 60 / 7, T: 100 / 7 };
    expect(row.pAlive).toBeCloseTo(probabilityAlive(result.fit.bgNbd, c), 10);
    const gg = result.fit.gammaGamma!;
    expect(row.expectedOrderValue).toBeCloseTo((gg.p * (gg.gamma + 100)) / (gg.p + gg.q - 1), 8);

    // With refunds kept, the refunded order is a second repeat purchase.
    const kept = await refreshWorkspaceClv({ warehouse, workspaceId, now: NOW, settings: { ...DEFAULT_CLV_SETTINGS, excludeRefundedOrders: false }, timeZone: "Asia/Shanghai" });
    if (kept.status !== "fitted") throw new Error(kept.message);
    const keptRow = (await readProfileClv(warehouse, workspaceId, probe))!;
    expect(keptRow.pAlive).toBeCloseTo(probabilityAlive(kept.fit.bgNbd, { x: 2, tx: 90 / 7, T: 100 / 7 }), 10);
  }, 60_000);

  it("reports too little data, says why, and removes earlier predictions", async () => {
    const workspaceId = newId();
    const { orders } = simulatedOrders(300, 13);
    await loadOrders(workspaceId, orders);
    expect((await refreshWorkspaceClv({ warehouse, workspaceId, now: NOW, settings: DEFAULT_CLV_SETTINGS })).status).toBe("fitted");
    const result = await refreshWorkspaceClv({ warehouse, workspaceId, now: NOW, settings: { ...DEFAULT_CLV_SETTINGS, minCustomers: 1000 } });
    expect(result.status).toBe("insufficient_data");
    expect(result.message).toMatch(/^300 customer\(s\) with orders, \d+ with a repeat purchase; the settings ask for at least 1000 and 50$/);
    const [count] = await warehouse.query<{ n: bigint }>("select count(*) as n from profile_clv where workspace_id = $1::uuid", [workspaceId]);
    expect(Number(count!.n)).toBe(0);
  }, 60_000);
});

describe("the CLV service", () => {
  it("keeps per-workspace settings with defaults, audited", async () => {
    const workspaceId = newId();
    const ctx = systemContext(workspaceId);
    expect(await services.clv.settings(workspaceId)).toEqual(DEFAULT_CLV_SETTINGS);
    const after = await services.clv.updateSettings(ctx, { unit: "day", minCustomers: 100 });
    expect(after).toEqual({ ...DEFAULT_CLV_SETTINGS, unit: "day", minCustomers: 100 });
    expect(await services.clv.settings(workspaceId)).toEqual(after);
    await expect(services.clv.updateSettings(ctx, { windowLowerQuantile: 0.9 })).rejects.toMatchObject({ code: "clv.invalid_settings" });
    const audit = await database.db.select().from(auditEntries).where(sql`${auditEntries.workspaceId} = ${workspaceId}`);
    expect(audit.map((a) => a.action)).toEqual(["clv.settings_updated"]);
  });

  it("refits, records the model, and serves a customer's prediction under a merged id", async () => {
    const workspace = await services.workspaces.create({ name: "CLV brand", timezone: "Asia/Shanghai", currency: "CNY" }, { type: "system", id: null, name: "test" });
    const ctx = systemContext(workspace.id);
    expect((await services.clv.model(ctx)).status).toBe("not_fitted");
    const { orders, profiles } = simulatedOrders(400, 14);
    await loadOrders(workspace.id, orders);
    const live = profiles[0]!;
    const merged = newId();
    for (const [id, into] of [[live, null], [merged, live]] as const) {
      await database.db.execute(sql`
        insert into profiles (id, workspace_id, merged_into, traits, event_count, order_count, total_spend_minor, created_at, updated_at)
        values (${id}, ${workspace.id}, ${into}, '{}'::jsonb, 1, 1, 0, ${NOW.toISOString()}, ${NOW.toISOString()})`);
    }
    // The warehouse rows above stand in for the snapshot: refit must not replace them from PostgreSQL.
    const clvService = createClvService({ db: database.db, warehouse, clock, resolveProfileId: services.profiles.resolveId, refreshSnapshot: null });
    const model = await clvService.refit(ctx);
    expect(model).toMatchObject({ status: "fitted", unit: "week", customers: 400, scoredProfiles: 400, calibrationEnd: "2026-06-30", fittedAt: NOW.toISOString() });
    expect(model.bgNbd!.r).toBeGreaterThan(0);
    expect(model.gammaGamma!.p).toBeGreaterThan(0);
    expect(await services.clv.model(ctx)).toEqual(model);

    const clv = await services.clv.customerClv(ctx, merged);
    expect(clv.profileId).toBe(live);
    expect(clv.modelStatus).toBe("fitted");
    expect(clv.currency).toBe("CNY");
    expect(clv.prediction!.expectedPurchases.d365).toBeGreaterThan(clv.prediction!.expectedPurchases.d90);
    await expect(services.clv.customerClv(ctx, newId())).rejects.toMatchObject({ code: "profiles.not_found" });
  }, 60_000);

  it("says clearly when it runs without the warehouse", async () => {
    const bare = createCoreServices({ db: database.db, clock, settings: { access: DEFAULT_ACCESS_SETTINGS } });
    await expect(bare.clv.refit(systemContext(newId()))).rejects.toMatchObject({ code: "clv.warehouse_unavailable" });
  });
});

describe("the daily refit", () => {
  it("refits workspaces never fitted or fitted more than a day ago, and only those", async () => {
    const at = fixedClock(NOW);
    const svc = createCoreServices({ db: database.db, warehouse, clock: at, settings: { access: DEFAULT_ACCESS_SETTINGS } });
    const fresh = await svc.workspaces.create({ name: "Never fitted", timezone: "Asia/Shanghai", currency: "CNY" }, { type: "system", id: null, name: "test" });
    const first = await svc.clv.refitAll({ olderThanMs: DAY });
    expect(first).toEqual([{ workspaceId: fresh.id, status: "insufficient_data" }]);
    expect(await svc.clv.refitAll({ olderThanMs: DAY })).toEqual([]);
    at.advance(DAY + 1);
    const again = (await svc.clv.refitAll({ olderThanMs: DAY })).map((r) => r.workspaceId);
    expect(again).toContain(fresh.id);
    expect(again.length).toBeGreaterThan(1);
  }, 60_000);
});
