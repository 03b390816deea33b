import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventsQuery, FunnelQuery, PathsQuery, RetentionQuery, type ExploreFilter } from "@siyu/contracts";
import { openWarehouse, type Warehouse } from "@siyu/storage";
import { newId } from "../../shared/ids";
import { analyseEvents } from "./event-analysis.query";
import { appendSyntheticEvents, syntheticId, type SyntheticEvent } from "./explore.fixtures";
import { refEvents, refFunnel, refPaths, refRetention, withSeq } from "./explore.reference";
import { droppedCustomers, analyseFunnel } from "./funnel.query";
import { analysePaths } from "./paths.query";
import { analyseRetention } from "./retention.query";

// Every explore query against a plain-TypeScript recomputation, on small random event logs
// (few customers and event names, so that funnels, repeats and ties really happen).
const TZ = "Asia/Shanghai";
const START = Date.parse("2026-02-27T00:00:00+08:00");
const EVENTS = ["A", "B", "C", "D"];
const CITIES = ["上海", "北京"];

let warehouse: Warehouse;
beforeAll(async () => {
  warehouse = await openWarehouse({ dataDir: null });
  await warehouse.migrate();
});
afterAll(() => warehouse?.close());

const eventArb: fc.Arbitrary<SyntheticEvent> = fc.record({
  actor: fc.option(fc.integer({ min: 1, max: 4 }), { freq: 12 }),
  event: fc.constantFrom(...EVENTS),
  // a few busy hours on each of 12 days, in 10-minute steps so that equal timestamps happen
  at: fc.tuple(fc.integer({ min: 0, max: 11 }), fc.integer({ min: 0, max: 18 })).map(([d, t]) => new Date(START + d * 86_400_000 + (d % 3) * 7 * 3_600_000 + t * 10 * 60_000)),
  channel: fc.constantFrom("x", "y", "z", null),
  properties: fc.record({ amount: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constant("n/a")), plan: fc.constantFrom("p1", "p2") }),
});
const logArb = fc.array(eventArb, { minLength: 0, maxLength: 60 });
const traitsArb = fc.array(fc.option(fc.constantFrom(...CITIES), { freq: 3 }), { minLength: 7, maxLength: 7 });
const periodArb = fc
  .tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 }))
  .map(([a, b]) => ({ from: day(Math.min(a, b)), to: day(Math.max(a, b)) }));
const filterArb: fc.Arbitrary<ExploreFilter> = fc.oneof(
  fc.record({ property: fc.constant("channel"), op: fc.constant("eq" as const), value: fc.constantFrom("x", "y") }),
  fc.record({ property: fc.constant("channel"), op: fc.constant("not_in" as const), value: fc.constant(["x"]).map((v) => [...v]) }),
  fc.record({ property: fc.constant("amount"), op: fc.constant("gte" as const), value: fc.integer({ min: 0, max: 50 }) }),
  fc.record({ property: fc.constant("plan"), op: fc.constant("neq" as const), value: fc.constant("p1") }),
  fc.record({ property: fc.constant("profile.city"), op: fc.constant("is_set" as const) }),
);
const whereArb = fc.option(fc.array(filterArb, { maxLength: 2 }), { nil: undefined });
const breakdownArb = fc.option(fc.record({ property: fc.constantFrom("channel", "plan", "profile.city"), limit: fc.integer({ min: 1, max: 3 }) }), { nil: undefined });

function day(offset: number): string {
  return new Date(Date.UTC(2026, 1, 27 + offset)).toISOString().slice(0, 10);
}

async function load(events: SyntheticEvent[], cities: (string | null)[]) {
  const workspaceId = newId();
  const profiles = cities.map((city, i) => ({ actor: i + 1, traits: city ? { city } : {} }));
  await appendSyntheticEvents(warehouse, workspaceId, events, { profiles });
  const traits = new Map(profiles.map((p) => [p.actor, p.traits as Record<string, unknown>]));
  return { workspaceId, traits, ref: withSeq(events) };
}

const groupKey = (g: { kind: string; value?: string }) => (g.kind === "value" ? `value:${g.value}` : g.kind);

describe("explore queries equal a plain TypeScript recomputation", () => {
  it("event analysis: count, unique and sum per bucket, with filters and top-N breakdowns", async () => {
    await fc.assert(
      fc.asyncProperty(
        logArb,
        traitsArb,
        fc.record({
          event: fc.constantFrom(...EVENTS, "Unknown"),
          where: whereArb,
          measure: fc.constantFrom({ kind: "count" as const }, { kind: "unique" as const }, { kind: "sum" as const, property: "amount" }),
          interval: fc.constantFrom("day" as const, "week" as const, "month" as const),
          period: periodArb,
          breakdown: breakdownArb,
        }),
        async (events, cities, raw) => {
          const query = EventsQuery.parse(raw);
          const { workspaceId, traits, ref } = await load(events, cities);
          const got = await analyseEvents(warehouse, workspaceId, TZ, query);
          const want = refEvents(ref, query, TZ, traits);
          expect(got.buckets).toEqual(want.buckets);
          expect(got.total).toBeCloseTo(want.total, 9);
          const gotSeries = new Map(got.series.map((s) => [groupKey(s.group), { values: s.values, total: s.total }]));
          if (!query.breakdown && want.series.size === 0) want.series.set("all", { values: want.buckets.map(() => 0), total: 0 });
          expect(gotSeries).toEqual(want.series);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("funnels: per-step counts, times and drills, loose and strict, with breakdowns", async () => {
    await fc.assert(
      fc.asyncProperty(
        logArb,
        traitsArb,
        fc.record({
          steps: fc.array(fc.record({ event: fc.constantFrom(...EVENTS), where: whereArb }), { minLength: 2, maxLength: 4 }),
          window: fc.record({ value: fc.integer({ min: 1, max: 72 }), unit: fc.constantFrom("minute" as const, "hour" as const, "day" as const) }),
          order: fc.constantFrom("loose" as const, "strict" as const),
          period: periodArb,
          breakdown: breakdownArb,
        }),
        async (events, cities, raw) => {
          const query = FunnelQuery.parse(raw);
          const { workspaceId, traits, ref } = await load(events, cities);
          const got = await analyseFunnel(warehouse, workspaceId, TZ, query);
          const want = refFunnel(ref, query, TZ, traits);
          const all = got.series.find((s) => s.group.kind === "all")!;
          expect(all.steps.map((s) => s.count)).toEqual(want.all.counts);
          all.steps.forEach((s, i) => {
            if (want.all.medians[i] === null) expect(s.medianSecondsFromPrevious).toBeNull();
            else expect(s.medianSecondsFromPrevious).toBeCloseTo(want.all.medians[i]!, 6);
          });
          if (want.all.median === null) expect(all.timeToConvert).toBeNull();
          else {
            expect(all.timeToConvert!.median).toBeCloseTo(want.all.median, 6);
            expect(all.timeToConvert!.p90).toBeCloseTo(want.all.p90!, 6);
          }
          const groups = new Map(got.series.filter((s) => s.group.kind !== "all").map((s) => [groupKey(s.group), s.steps.map((x) => x.count)]));
          expect(groups).toEqual(new Map([...want.groups].map(([k, v]) => [k, v.counts])));
          for (const s of got.series.filter((x) => x.group.kind !== "all")) {
            const medians = want.groups.get(groupKey(s.group))!.medians;
            s.steps.forEach((x, i) => (medians[i] === null ? expect(x.medianSecondsFromPrevious).toBeNull() : expect(x.medianSecondsFromPrevious).toBeCloseTo(medians[i]!, 6)));
          }
          const step = 1 + (events.length % (query.steps.length - 1));
          const dropped = await droppedCustomers(warehouse, workspaceId, TZ, { query, step, group: { kind: "all" }, limit: null });
          expect(dropped.items.map((d) => d.profileId)).toEqual(want.dropped(step).map((a) => syntheticId(a)));
          expect(dropped.total).toBe(want.dropped(step).length);
          // When each dropped customer's last reached step happened (their best start's chain).
          const at = want.droppedAt(step);
          expect(new Map(dropped.items.map((d) => [d.profileId, d.lastStepAt.getTime()]))).toEqual(new Map([...at].map(([a, t]) => [syntheticId(a), t])));
          // The drill into one breakdown group lists that group's dropped customers only.
          const series = got.series.find((s) => s.group.kind !== "all");
          if (series) {
            const inGroup = await droppedCustomers(warehouse, workspaceId, TZ, { query, step, group: series.group, limit: null });
            const key = groupKey(series.group);
            expect(inGroup.items.map((d) => d.profileId)).toEqual(want.dropped(step).filter((a) => want.groupOfActor.get(a) === key).map((a) => syntheticId(a)));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("funnels: each customer's chain starts at the earliest first step that reaches furthest (times, drills and breakdown value)", async () => {
    // Two customers, three event names, repeated steps: several starts per customer reach the same level.
    const denseArb = fc.array(
      fc.record({
        actor: fc.integer({ min: 1, max: 2 }),
        event: fc.constantFrom("A", "B", "C"),
        at: fc.integer({ min: 0, max: 40 }).map((t) => new Date(START + t * 20 * 60_000)),
        channel: fc.constantFrom("x", "y", "z"),
      }),
      { minLength: 1, maxLength: 30 },
    );
    await fc.assert(
      fc.asyncProperty(
        denseArb,
        fc.record({
          steps: fc.array(fc.record({ event: fc.constantFrom("A", "B", "C") }), { minLength: 2, maxLength: 4 }),
          window: fc.record({ value: fc.integer({ min: 10, max: 600 }), unit: fc.constant("minute" as const) }),
          order: fc.constantFrom("loose" as const, "strict" as const),
          period: fc.constant({ from: day(0), to: day(0) }),
          breakdown: fc.constant({ property: "channel", limit: 3 }),
        }),
        async (events, raw) => {
          const query = FunnelQuery.parse(raw);
          const { workspaceId, traits, ref } = await load(events, []);
          const want = refFunnel(ref, query, TZ, traits);
          const got = await analyseFunnel(warehouse, workspaceId, TZ, query);
          expect(new Map(got.series.filter((s) => s.group.kind !== "all").map((s) => [groupKey(s.group), s.steps.map((x) => x.count)]))).toEqual(
            new Map([...want.groups].map(([k, v]) => [k, v.counts])),
          );
          for (let step = 1; step < query.steps.length; step++) {
            const dropped = await droppedCustomers(warehouse, workspaceId, TZ, { query, step, group: { kind: "all" }, limit: null });
            const at = want.droppedAt(step);
            expect(new Map(dropped.items.map((d) => [d.profileId, d.lastStepAt.getTime()]))).toEqual(new Map([...at].map(([a, t]) => [syntheticId(a), t])));
          }
        },
      ),
      { numRuns: 120 },
    );
  });

  it("retention: bounded and unbounded cohorts by first event or first order", async () => {
    await fc.assert(
      fc.asyncProperty(
        logArb.map((events) => events.map((e) => (e.event === "D" ? { ...e, event: "Order Completed" } : e))),
        traitsArb,
        fc.record({
          cohort: fc.oneof(
            fc.record({ kind: fc.constant("first_event" as const), event: fc.constantFrom(...EVENTS), where: whereArb }),
            fc.constant({ kind: "first_order" as const }),
          ),
          returnEvent: fc.record({ event: fc.constantFrom(...EVENTS, "Order Completed"), where: whereArb }),
          interval: fc.constantFrom("day" as const, "week" as const),
          periods: fc.integer({ min: 1, max: 6 }),
          mode: fc.constantFrom("bounded" as const, "unbounded" as const),
          period: periodArb,
        }),
        async (events, cities, raw) => {
          const query = RetentionQuery.parse(raw);
          const { workspaceId, traits, ref } = await load(events, cities);
          const got = await analyseRetention(warehouse, workspaceId, TZ, query);
          expect(got.cohorts.map(({ cohort, size, counts }) => ({ cohort, size, counts }))).toEqual(refRetention(ref, query, TZ, traits));
        },
      ),
      { numRuns: 50 },
    );
  });

  it("paths: next and previous events as Sankey nodes and links, top N per step", async () => {
    await fc.assert(
      fc.asyncProperty(
        logArb,
        traitsArb,
        fc.record({
          event: fc.constantFrom(...EVENTS),
          where: whereArb,
          direction: fc.constantFrom("next" as const, "previous" as const),
          depth: fc.integer({ min: 1, max: 4 }),
          limit: fc.integer({ min: 1, max: 3 }),
          collapseRepeats: fc.boolean(),
          period: periodArb,
        }),
        async (events, cities, raw) => {
          const query = PathsQuery.parse(raw);
          const { workspaceId, traits, ref } = await load(events, cities);
          const got = await analysePaths(warehouse, workspaceId, TZ, query);
          const want = refPaths(ref, query, TZ, traits);
          expect(got.customers).toBe(want.customers);
          expect(new Map(got.nodes.map((n) => [n.id, n.customers]))).toEqual(want.nodes);
          expect(new Map(got.links.map((l) => [`${l.source} -> ${l.target}`, l.customers]))).toEqual(want.links);
        },
      ),
      { numRuns: 50 },
    );
  });
});
