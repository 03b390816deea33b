import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { openWarehouse, type Warehouse } from "@siyu/storage";
import { ScoresSettingsDto, type ScoresSettingsDto as Settings } from "@siyu/contracts";
import { newId } from "../shared/ids";
import { rollUpEvents } from "../warehouse";
import { computeWarehouseScores } from "./scores.warehouse";
import { referenceScores, type RefEvent, type RefProfile } from "./scores.reference";

let warehouse: Warehouse;
beforeAll(async () => {
  warehouse = await openWarehouse({ dataDir: null });
  await warehouse.migrate();
});
afterAll(async () => {
  await warehouse.close();
});

const iso = (d: Date | null) => (d ? `'${d.toISOString()}'::timestamptz` : "null");

/** Writes profiles, their identifiers, order events and CLV rows straight into the warehouse tables. */
export async function seedWarehouse(w: Warehouse, workspaceId: string, profiles: RefProfile[], events: RefEvent[]): Promise<void> {
  const identifierOf = new Map(profiles.map((p) => [p.id, newId()]));
  await w.transaction(async (tx) => {
    for (const p of profiles) {
      await tx.run(
        `insert into profiles (workspace_id, id, merged_into, first_seen_at, last_seen_at, event_count, order_count, total_spend_minor, last_order_at)
         values ('${workspaceId}', '${p.id}', ${p.mergedInto ? `'${p.mergedInto}'` : "null"}, ${iso(p.firstSeenAt)}, ${iso(p.lastSeenAt)}, 0, 0, ${p.totalSpendMinor}, ${iso(p.lastOrderAt)})`,
      );
      if (p.mergedInto === null) {
        await tx.run(
          `insert into profile_identifiers values ('${workspaceId}', '${identifierOf.get(p.id)}', 'user_id', '${p.id}', '${p.id}')`,
        );
      }
      if (p.clv365 !== undefined) {
        await tx.run(
          `insert into profile_clv (workspace_id, profile_id, p_alive, expected_purchases_90d, expected_purchases_180d, expected_purchases_365d, expected_value_365d, computed_at)
           values ('${workspaceId}', '${p.id}', 0.5, 1, 1, 1, ${p.clv365 ?? "null"}, now())`,
        );
      }
    }
    for (const e of events) {
      await tx.run(
        `insert into events (workspace_id, seq, message_id, type, event, ts, received_at, identifier_id, order_id, revenue)
         values ('${workspaceId}', ${e.seq}, 'm-${e.seq}', 'track', '${e.event}', ${iso(e.ts)}, ${iso(e.ts)}, '${identifierOf.get(e.profileId)}', '${e.orderId}', ${e.revenue ?? "null"})`,
      );
    }
    // As the loader does: the order events follow into order_events (seqs rise across calls).
    if (events.length > 0) await rollUpEvents(tx, Math.max(...events.map((e) => e.seq)));
  });
}

let seq = 0;
const DAY = 86_400_000;

const scenario = fc.record({
  nowMs: fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 11, 31) }),
  timeZone: fc.constantFrom("Asia/Shanghai", "UTC", "America/New_York"),
  method: fc.constantFrom("quantiles" as const, "thresholds" as const),
  windowDays: fc.constantFrom(30, 90, 365),
  activity: fc.constantFrom("last_seen" as const, "last_order" as const),
  basis: fc.constantFrom("clv" as const, "spend" as const),
  withClv: fc.boolean(),
  svipPercent: fc.constantFrom(1, 10, 25),
  vipPercent: fc.constantFrom(9, 20, 50),
  customers: fc.array(
    fc.record({
      merged: fc.integer({ min: 0, max: 9 }).map((x) => x === 0),
      firstSeenAgoHours: fc.integer({ min: 0, max: 24 * 400 }),
      lastSeenFraction: fc.double({ min: 0, max: 1, noNaN: true }),
      hasLastOrder: fc.boolean(),
      spend: fc.constantFrom(0, 0, 1000, 5000, 5000, 12000, 90000),
      clv: fc.option(fc.constantFrom(0, 10, 50, 50, 300), { nil: null }),
      orders: fc.array(
        fc.record({
          agoHours: fc.integer({ min: -48, max: 24 * 400 }),
          amount: fc.constantFrom(0, 10, 50, 100, 100, 250),
          duplicate: fc.boolean(),
          sharedId: fc.integer({ min: 0, max: 9 }).map((x) => x === 0),
          refund: fc.constantFrom("none", "none", "none", "whole", "part", "over"),
        }),
        { maxLength: 6 },
      ),
    }),
    { minLength: 1, maxLength: 14 },
  ),
});

describe("scores in the warehouse", () => {
  it("equal the plain reference computation on random customers and orders", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const workspaceId = newId();
        const now = new Date(s.nowMs);
        const profiles: RefProfile[] = [];
        const events: RefEvent[] = [];
        for (const c of s.customers) {
          const id = newId();
          const firstSeenAt = new Date(s.nowMs - c.firstSeenAgoHours * 3_600_000);
          const lastSeenAt = new Date(firstSeenAt.getTime() + c.lastSeenFraction * (s.nowMs - firstSeenAt.getTime()));
          profiles.push({
            id,
            mergedInto: c.merged ? newId() : null,
            firstSeenAt,
            lastSeenAt,
            lastOrderAt: c.hasLastOrder ? new Date((firstSeenAt.getTime() + lastSeenAt.getTime()) / 2) : null,
            totalSpendMinor: c.spend,
            clv365: s.withClv ? c.clv : undefined,
          });
          c.orders.forEach((o, i) => {
            const ts = new Date(s.nowMs - o.agoHours * 3_600_000);
            // Now and then an order id another customer already used: the first event's customer owns it.
            const orderId = o.sharedId && profiles.length > 1 ? `${profiles[0]!.id}-o-0` : `${id}-o-${i}`;
            events.push({ seq: ++seq, profileId: id, event: "Order Completed", orderId, ts, revenue: o.amount });
            if (o.duplicate) events.push({ seq: ++seq, profileId: id, event: "Order Completed", orderId, ts: new Date(ts.getTime() - 3 * DAY), revenue: o.amount + 10 });
            if (o.refund !== "none") {
              const revenue = o.refund === "whole" ? null : o.refund === "part" ? o.amount / 2 : o.amount + 1;
              events.push({ seq: ++seq, profileId: id, event: "Order Refunded", orderId, ts: new Date(ts.getTime() + DAY), revenue });
            }
          });
        }
        const settings: Settings = ScoresSettingsDto.parse({
          rfm: { method: s.method, windowDays: s.windowDays, thresholds: { recencyDays: [3, 10, 30, 200], frequencyOrders: [2, 3, 4, 5], monetaryAmount: [50, 100, 200, 400] } },
          lifecycle: { activity: s.activity },
          valuePyramid: { basis: s.basis, svipPercent: s.svipPercent, vipPercent: s.vipPercent },
        });
        await seedWarehouse(warehouse, workspaceId, profiles, events);
        const got = await computeWarehouseScores(warehouse, { workspaceId, now, timeZone: s.timeZone, settings });
        const want = referenceScores(profiles, events, now, s.timeZone, settings).sort((a, b) => a.profileId.localeCompare(b.profileId));
        expect(got.map(({ spendMinor: _s, ...rest }) => rest)).toEqual(want);
      }),
      { numRuns: 100 },
    );
  });

  it("replace the workspace's profile_scores rows and leave other workspaces alone", async () => {
    const [a, b] = [newId(), newId()];
    const now = new Date("2026-06-01T04:00:00Z");
    const profile = (): RefProfile => ({ id: newId(), mergedInto: null, firstSeenAt: new Date("2026-05-30T00:00:00Z"), lastSeenAt: now, lastOrderAt: null, totalSpendMinor: 100, clv365: undefined });
    const pa = profile();
    const pb = profile();
    await seedWarehouse(warehouse, a, [pa], [{ seq: ++seq, profileId: pa.id, event: "Order Completed", orderId: "x", ts: now, revenue: 10 }]);
    await seedWarehouse(warehouse, b, [pb], []);
    const settings = ScoresSettingsDto.parse({ rfm: { method: "thresholds" } });
    await computeWarehouseScores(warehouse, { workspaceId: a, now, timeZone: "Asia/Shanghai", settings });
    await computeWarehouseScores(warehouse, { workspaceId: a, now, timeZone: "Asia/Shanghai", settings });
    await computeWarehouseScores(warehouse, { workspaceId: b, now, timeZone: "Asia/Shanghai", settings });
    const rows = await warehouse.query<{ workspace_id: string; rfm_cell: string | null; lifecycle_stage: string; value_tier: string }>(
      "select workspace_id::varchar as workspace_id, rfm_cell, lifecycle_stage, value_tier from profile_scores where workspace_id in ($1::uuid, $2::uuid) order by rfm_cell nulls last",
      [a, b],
    );
    expect(rows).toEqual([
      { workspace_id: a, rfm_cell: "new", lifecycle_stage: "new", value_tier: "svip" },
      { workspace_id: b, rfm_cell: null, lifecycle_stage: "new", value_tier: "svip" },
    ]);
  });
});
