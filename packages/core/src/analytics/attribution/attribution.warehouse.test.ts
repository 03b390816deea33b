import fc from "fast-check";
import { openWarehouse, type Warehouse } from "@siyu/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JourneyGroup } from "./attribution-models";
import { newId } from "../../shared/ids";
import { readJourneys, readJourneysInWarehouse, type JourneyQuery } from "./attribution.warehouse";

// The journeys — over the event sequences (by channel, by touchpoint) and by the warehouse statement
// (every dimension) — against a plain TypeScript rebuild from the same events.

interface TestEvent {
  profile: number;
  minute: number;
  /** Null: a page view (no event name). */
  event: string | null;
  channel: string | null;
  campaign: string | null;
  store: string | null;
  revenue: number | null;
}

const TOUCHPOINTS = ["Product Viewed", "Message Clicked"];
const FROM = new Date("2026-03-01T00:00:00+08:00");
const TO = new Date("2026-03-11T00:00:00+08:00");
const START = new Date("2026-02-18T00:00:00+08:00").getTime();
const CONVERSION = "Order Completed";
const profileId = (p: number) => `00000000-0000-7000-8000-${String(p).padStart(12, "0")}`;
const identifierId = (p: number) => `ffffffff-0000-7000-8000-${String(p).padStart(12, "0")}`;
const at = (minute: number) => new Date(START + minute * 60_000);

let warehouse: Warehouse;
let seq = 0;

beforeAll(async () => {
  warehouse = await openWarehouse({ dataDir: null });
  await warehouse.migrate();
});
afterAll(async () => {
  await warehouse?.close();
});

/** Loads the events into a new workspace; returns its id. */
async function load(events: TestEvent[]): Promise<string> {
  const WS = newId();
  await warehouse.transaction(async (tx) => {
    const profiles = [...new Set(events.map((e) => e.profile))];
    // Profile 0's events have no profile yet (not anchored): they never count.
    await tx.append("profile_identifiers", profiles.filter((p) => p !== 0).map((p) => [WS, identifierId(p), "user_id", `u${p}`, profileId(p)]));
    await tx.append(
      "events",
      events.map((e) => {
        seq += 1;
        const properties: Record<string, unknown> = {};
        if (e.campaign) properties.utm_campaign = e.campaign;
        const ts = at(e.minute).toISOString();
        return [WS, seq, `m${seq}`, e.event === null ? "page" : "track", e.event, `u${e.profile}`, null, ts, ts, identifierId(e.profile), null, null, e.channel, null, e.store, null, null, e.revenue, null, JSON.stringify(properties), "{}", "{}"];
      }),
    );
  });
  return WS;
}

/** The journeys as docs/modules/attribution.md defines them, rebuilt one customer at a time. */
function reference(events: TestEvent[], q: Pick<JourneyQuery, "lookbackDays" | "halfLifeDays" | "storeId" | "dimension">) {
  const lookback = q.lookbackDays * 86_400_000;
  const windowStart = FROM.getTime() - lookback;
  const keyOf = (e: TestEvent) =>
    q.dimension === "campaign" ? e.campaign : q.dimension === "touchpoint" ? (e.event !== null && TOUCHPOINTS.includes(e.event) ? e.event : null) : e.channel;
  const paths = new Map<string, JourneyGroup>();
  const decay = new Map<string, { conversions: number; value: number }>();
  const touched = new Map<string, number>();
  let conversions = 0;
  let value = 0;
  const add = (path: string[], converted: boolean, v: number) => {
    const key = path.join(">");
    const g = paths.get(key) ?? { path, count: 0, conversions: 0, value: 0 };
    g.count += 1;
    if (converted) {
      g.conversions += 1;
      g.value += v;
    }
    paths.set(key, g);
  };
  for (const p of new Set(events.map((e) => e.profile))) {
    if (p === 0) continue;
    const mine = events.filter((e) => e.profile === p && at(e.minute).getTime() >= windowStart && at(e.minute) < TO).sort((a, b) => a.minute - b.minute);
    const convs = mine.filter((e) => e.event === CONVERSION);
    for (const c of convs) {
      if (at(c.minute) >= FROM && (q.storeId === null || c.store === q.storeId)) {
        conversions += 1;
        value += c.revenue ?? 0;
      }
    }
    const byConversion = new Map<TestEvent, TestEvent[]>();
    const open: TestEvent[] = [];
    for (const t of mine) {
      const key = keyOf(t);
      if (t.event === CONVERSION || !key) continue;
      const next = convs.find((c) => c.minute >= t.minute);
      const gap = next ? at(next.minute).getTime() - at(t.minute).getTime() : Infinity;
      if (next && gap <= lookback) {
        if (at(next.minute) >= FROM && (q.storeId === null || next.store === q.storeId)) byConversion.set(next, [...(byConversion.get(next) ?? []), t]);
      } else if (at(t.minute) >= FROM) open.push(t);
    }
    for (const [c, touches] of byConversion) {
      add(touches.map((t) => keyOf(t)!), true, c.revenue ?? 0);
      const weights = touches.map((t) => 0.5 ** ((c.minute - t.minute) / 1440 / q.halfLifeDays));
      const sum = weights.reduce((a, b) => a + b, 0);
      touches.forEach((t, i) => {
        const d = decay.get(keyOf(t)!) ?? { conversions: 0, value: 0 };
        d.conversions += weights[i]! / sum;
        d.value += ((c.revenue ?? 0) * weights[i]!) / sum;
        decay.set(keyOf(t)!, d);
        touched.set(keyOf(t)!, (touched.get(keyOf(t)!) ?? 0) + 1);
      });
    }
    if (open.length) add(open.map((t) => keyOf(t)!), false, 0);
  }
  return { paths, decay, touches: touched, conversions, value };
}

const eventArb = fc.record({
  profile: fc.integer({ min: 0, max: 6 }),
  event: fc.constantFrom(CONVERSION, "Product Viewed", "Message Clicked", "Coupon Received", null),
  channel: fc.constantFrom(null, "", "wecom", "sms", "douyin", "mini_program"),
  campaign: fc.constantFrom(null, "spring", "cny"),
  store: fc.constantFrom(null, "S1", "S2"),
  revenue: fc.option(fc.integer({ min: 1, max: 500 }), { nil: null }),
});

describe("readJourneys", () => {
  it("groups the same journeys, time-decay credits and totals as a plain rebuild", async () => {
    await fc.assert(
      fc.asyncProperty(
        // Distinct minutes across the whole set: no two events of a customer at the same instant.
        fc.uniqueArray(fc.integer({ min: 0, max: 22 * 1440 }), { minLength: 20, maxLength: 60 }),
        fc.array(eventArb, { minLength: 60, maxLength: 60 }),
        fc.constantFrom(1, 3, 7),
        fc.constantFrom(null, "S1"),
        fc.constantFrom<"channel" | "campaign" | "touchpoint">("channel", "campaign", "touchpoint"),
        fc.boolean(),
        async (minutes, shapes, lookbackDays, storeId, dimension, inWarehouse) => {
          const events = minutes.map((minute, i) => ({ ...shapes[i]!, minute }));
          const workspaceId = await load(events);
          const q = { lookbackDays, halfLifeDays: 2, storeId, dimension };
          const query = { workspaceId, from: FROM, to: TO, conversionEvent: CONVERSION, touchpointEvents: TOUCHPOINTS, ...q };
          const got = await (inWarehouse ? readJourneysInWarehouse : readJourneys)(warehouse, query);
          const want = reference(events, q);
          expect(got.conversions).toBe(want.conversions);
          expect(got.value).toBeCloseTo(want.value, 6);
          const byPath = (groups: JourneyGroup[]) => Object.fromEntries(groups.map((g) => [g.path.join(">"), { count: g.count, conversions: g.conversions, value: Math.round(g.value * 1e6) }]));
          expect(byPath(got.journeys)).toEqual(byPath([...want.paths.values()]));
          expect([...got.timeDecay.keys()].sort()).toEqual([...want.decay.keys()].sort());
          for (const [key, credit] of want.decay) {
            expect(got.timeDecay.get(key)!.conversions).toBeCloseTo(credit.conversions, 9);
            expect(got.timeDecay.get(key)!.value).toBeCloseTo(credit.value, 6);
          }
          expect(got.touches).toEqual(want.touches);
        },
      ),
      // No shrinking: a statement case is slow enough that shrinking one would outlast the test timeout and hide it.
      { numRuns: 60, endOnFailure: true },
    );
  });

  it("leaves a touch after a conversion to the next conversion, or to the journey that did not convert", async () => {
    const touch = (minute: number, channel: string) => ({ profile: 1, minute, event: "Product Viewed", channel, campaign: null, store: null, revenue: null });
    const workspaceId = await load([
      touch(17_000, "wecom"),
      { profile: 1, minute: 17_010, event: CONVERSION, channel: null, campaign: null, store: "S1", revenue: 50 },
      touch(17_020, "sms"),
      { profile: 1, minute: 17_030, event: null, channel: "douyin", campaign: null, store: null, revenue: null },
    ]);
    const query = { workspaceId, from: FROM, to: TO, conversionEvent: CONVERSION, dimension: "channel" as const, touchpointEvents: [], lookbackDays: 7, halfLifeDays: 7, storeId: null };
    for (const read of [readJourneys, readJourneysInWarehouse]) {
      const got = await read(warehouse, query);
      expect(got.journeys.sort((a, b) => b.conversions - a.conversions)).toEqual([
        { path: ["wecom"], count: 1, conversions: 1, value: 50 },
        // A page view with a channel is a touch too.
        { path: ["sms", "douyin"], count: 1, conversions: 0, value: 0 },
      ]);
    }
  });

  it("credits a touch to a conversion without a store, never to the store of the conversion after it", async () => {
    const workspaceId = await load([
      { profile: 1, minute: 14_000, event: "Product Viewed", channel: "wecom", campaign: "spring", store: "S2", revenue: null },
      { profile: 1, minute: 17_000, event: CONVERSION, channel: null, campaign: null, store: null, revenue: 222 },
      { profile: 1, minute: 20_000, event: CONVERSION, channel: null, campaign: null, store: "S1", revenue: 287 },
    ]);
    const query = { workspaceId, from: FROM, to: TO, conversionEvent: CONVERSION, touchpointEvents: [], lookbackDays: 7, halfLifeDays: 7 };
    for (const dimension of ["channel", "campaign"] as const) {
      for (const read of [readJourneys, readJourneysInWarehouse]) {
        // At S1: its conversion had no touch before it of its own; the touch went to the one without a store.
        const atS1 = await read(warehouse, { ...query, dimension, storeId: "S1" });
        expect(atS1).toMatchObject({ journeys: [], conversions: 1, value: 287 });
        const everywhere = await read(warehouse, { ...query, dimension, storeId: null });
        expect(everywhere.journeys).toEqual([{ path: [dimension === "channel" ? "wecom" : "spring"], count: 1, conversions: 1, value: 222 }]);
      }
    }
  });

  it("credits touchpoint events by name, only those listed", async () => {
    const workspaceId = await load([
      { profile: 1, minute: 17_000, event: "Message Clicked", channel: null, campaign: null, store: null, revenue: null },
      { profile: 1, minute: 17_010, event: "Product Viewed", channel: null, campaign: null, store: null, revenue: null },
      { profile: 1, minute: 17_020, event: "Coupon Received", channel: null, campaign: null, store: null, revenue: null },
      { profile: 1, minute: 17_030, event: CONVERSION, channel: null, campaign: null, store: "S1", revenue: 88 },
    ]);
    const got = await readJourneys(warehouse, {
      workspaceId, from: FROM, to: TO, conversionEvent: CONVERSION, dimension: "touchpoint",
      touchpointEvents: ["Message Clicked", "Coupon Received"], lookbackDays: 30, halfLifeDays: 7, storeId: null,
    });
    expect(got.journeys).toEqual([{ path: ["Message Clicked", "Coupon Received"], count: 1, conversions: 1, value: 88 }]);
  });
});
