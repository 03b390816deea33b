import fc from "fast-check";
import { DEFAULT_ANALYTICS_SETTINGS } from "@siyu/contracts";
import { openWarehouse, type Warehouse } from "@siyu/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../shared/ids";
import { rollUpEvents } from "../../warehouse";
import { lastTouch } from "../attribution/attribution-models";
import { readJourneys } from "../attribution/attribution.warehouse";
import { periodOf } from "./kpi-period";
import { readAttributedRevenue } from "./kpi.warehouse";

// Campaign ROI credited by last touch is the attribution report's last-touch model over the same
// events: on random touches (channel, campaign, both or neither; some without a profile) and orders
// without refunds, every channel and campaign gets as many orders and as much revenue from ROI as
// conversions and value from the report — lookbacks that cut journeys, touches at an order's very
// instant, orders that take the touches before them so that the next order does not.

const ZONE = "Asia/Shanghai";
const PERIOD = periodOf("2026-03-10", "2026-03-16", ZONE);
const pid = (i: number) => `0190a000-0000-7000-8000-${String(i).padStart(12, "0")}`;
const identifierOf = (profileId: string) => `ffffffff${profileId.slice(8)}`;
const MINUTE = 60_000;
/** Instants from 20 days before the period to 2 days after it, in whole minutes. */
const minuteArb = fc.integer({ min: -20 * 1440, max: 9 * 1440 });

let warehouse: Warehouse;
beforeAll(async () => {
  warehouse = await openWarehouse({ dataDir: null });
  await warehouse.migrate();
});
afterAll(() => warehouse.close());

let loadedThrough = 0;

describe("ROI credited by last touch", () => {
  it("equals the attribution report's last-touch credit, channel by channel and campaign by campaign", async () => {
    const touch = fc.record({
      profile: fc.option(fc.integer({ min: 0, max: 4 }), { nil: null, freq: 8 }),
      minute: minuteArb,
      channel: fc.constantFrom(null, "", "wecom", "sms", "douyin"),
      campaign: fc.constantFrom(null, "spring", "summer"),
    });
    const order = fc.record({
      profile: fc.option(fc.integer({ min: 0, max: 4 }), { nil: null, freq: 8 }),
      amount: fc.integer({ min: 0, max: 400 }).map((q) => q / 4),
      // A touch exactly the lookback before the order: the last moment that still counts.
      touchAtLookback: fc.constantFrom(null, "sms", "douyin"),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(touch, { maxLength: 40 }),
        // Orders at distinct minutes: two at one instant would leave the report to pick which takes a touch.
        fc.uniqueArray(fc.tuple(minuteArb, order), { selector: ([m]) => m, maxLength: 20 }),
        fc.integer({ min: 1, max: 15 }),
        async (touches, orders, lookbackDays) => {
          const workspaceId = newId();
          const at = (minute: number) => new Date(PERIOD.start.getTime() + minute * MINUTE).toISOString();
          const rows: unknown[][] = [];
          const push = (profile: number | null, event: string, minute: number, cells: { channel?: string | null; orderId?: string; revenue?: number; properties?: object }) => {
            loadedThrough += 1;
            rows.push([
              workspaceId, loadedThrough, `m${loadedThrough}`, "track", event, null, null, at(minute), at(minute),
              profile === null ? null : identifierOf(pid(profile)), null, null, cells.channel ?? null, null, null, cells.orderId ?? null, null, cells.revenue ?? null, null,
              JSON.stringify(cells.properties ?? {}), "{}", "{}",
            ]);
          };
          for (const t of touches) push(t.profile, "Promotion Clicked", t.minute, { channel: t.channel, properties: t.campaign ? { utm_campaign: t.campaign } : {} });
          for (const [minute, o] of orders) if (o.touchAtLookback) push(o.profile, "Promotion Clicked", minute - lookbackDays * 1440, { channel: o.touchAtLookback });
          orders.forEach(([minute, o], i) => push(o.profile, "Order Completed", minute, { orderId: `o${i}`, revenue: o.amount }));
          await warehouse.transaction(async (tx) => {
            const profiles = Array.from({ length: 5 }, (_, i) => pid(i));
            await tx.append("profiles", profiles.map((p) => [workspaceId, p, null, null, null, null, null, 0, 0, 0, null, "{}"]));
            await tx.append("profile_identifiers", profiles.map((p) => [workspaceId, identifierOf(p), "user_id", p, p]));
            await tx.append("events", rows as never);
            await rollUpEvents(tx, loadedThrough);
          });

          const scope = { workspaceId, timeZone: ZONE, minorPer: 100, store: null };
          const roi = await readAttributedRevenue(warehouse, scope, PERIOD, DEFAULT_ANALYTICS_SETTINGS.margin, { rule: "lastTouch", lookbackDays });
          for (const dimension of ["channel", "campaign"] as const) {
            const journeys = await readJourneys(warehouse, {
              workspaceId, from: PERIOD.start, to: PERIOD.end, conversionEvent: "Order Completed", dimension,
              touchpointEvents: [], lookbackDays, halfLifeDays: 7, storeId: null,
            });
            const expected = [...lastTouch(journeys.journeys)].map(([key, c]) => [key, c.conversions, Math.round(c.value * 100)]).filter(([, n]) => n !== 0).sort();
            const got = roi.filter((r) => r.kind === dimension).map((r) => [r.key, r.orders, r.revenueMinor]).sort();
            expect(got, dimension).toEqual(expected);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
