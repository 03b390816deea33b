import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { openWarehouse, type Warehouse } from "@siyu/storage";
import { LIFECYCLE_STAGES, RFM_CELLS, RFM_LAYERS, VALUE_TIERS, type EventWindow, type PropertyFilter, type SegmentRule, type TraitOp } from "@siyu/contracts";
import { compileRule } from "./rule-compiler";
import { referenceEvaluate, type RefData, type RefEvent, type RefProfile } from "./reference-evaluator";
import { loadReferenceData } from "./reference-data";
import { catalogueOf, type TraitDefinition } from "./trait-catalogue";
import { OPS_BY_TYPE, PROPERTY_OPS_BY_TYPE, validateRule } from "./rule-validator";

// Compiled SQL on a real DuckDB == the plain TypeScript reference, on random data and random rule trees.

const WS = "0190a000-0000-7000-8000-000000000001";
const pid = (i: number) => `0190a000-0000-7000-8000-${String(i).padStart(12, "0")}`;
const TAGS = ["0190a000-0000-7000-8000-0000000aaa01", "0190a000-0000-7000-8000-0000000aaa02", "0190a000-0000-7000-8000-0000000aaa03"];
const SEG_A = "0190a000-0000-7000-8000-0000000bbb01";
const SEG_B = "0190a000-0000-7000-8000-0000000bbb02";
const EVENTS = ["Order Completed", "Product Viewed", "App Opened"];
const STORES = ["s1", "s2", "s3"];
const STRINGS = ["Shanghai", "Beijing", "上海", "sh", "", "f", "m", "gold", "silver", "Molly", "Mo"];
const SKUS = ["molly", "labubu", "skull"];
const NOWS = ["2026-03-01T04:00:00.000Z", "2026-02-28T16:30:00.000Z", "2024-02-28T23:59:59.000Z", "2026-12-31T15:59:59.999Z"];
const ZONES = ["Asia/Shanghai", "UTC", "America/New_York"];
const DAY = 86_400_000;

const CUSTOM: TraitDefinition[] = [
  { key: "points", type: "number", source: "custom", label: "points", from: { kind: "json", key: "points" } },
  { key: "vip", type: "boolean", source: "custom", label: "vip", from: { kind: "json", key: "vip" } },
  { key: "signup", type: "date", source: "custom", label: "signup", from: { kind: "json", key: "signup" } },
  { key: "tier", type: "string", source: "custom", label: "tier", from: { kind: "json", key: "tier" } },
];
const traits = catalogueOf(CUSTOM);

const DATES = ["2024-02-29", "1990-03-01", "1992-12-31", "1985-01-01", "2000-06-15", "2026-02-28", "2025-03-01", "2026-03-02T10:00:00+08:00", "2026-01-15T08:00:00Z", "2025-12-31 23:00", "2021-02-30"];

// ---------- data ----------
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 3 });
const instant = (base: number) => fc.integer({ min: -200, max: 20 }).chain((d) => fc.integer({ min: 0, max: DAY - 1 }).map((ms) => new Date(base + d * DAY + ms)));

const traitsArb = fc.record(
  {
    city: fc.oneof(fc.constantFrom(...STRINGS), fc.constant(5)),
    gender: fc.constantFrom("f", "m"),
    email: fc.constantFrom("a@x.com", "b@y.cn"),
    birthday: fc.constantFrom(...DATES),
    registration_store: fc.constantFrom(...STORES),
    points: fc.oneof(fc.integer({ min: -10, max: 500 }), fc.constant("12"), fc.constant(null)),
    vip: fc.oneof(fc.boolean(), fc.constant("true")),
    signup: fc.oneof(fc.constantFrom(...DATES), fc.constant("not a date")),
    tier: fc.constantFrom("gold", "silver", "Mo"),
  },
  { requiredKeys: [] },
);

function dataArb(nowMs: number): fc.Arbitrary<RefData> {
  const base = nowMs;
  const profile = (i: number) =>
    fc.record({
      merged: fc.boolean().map((b) => b && i > 0 && i % 4 === 0),
      name: maybe(fc.constantFrom(...STRINGS)),
      phone: maybe(fc.constantFrom("13800000000", "13900000001")),
      firstSeenAt: maybe(instant(base)),
      lastSeenAt: maybe(instant(base)),
      eventCount: fc.integer({ min: 0, max: 30 }),
      orderCount: fc.integer({ min: 0, max: 5 }),
      totalSpendMinor: fc.integer({ min: 0, max: 100_000 }),
      lastOrderAt: maybe(instant(base)),
      traits: fc.option(traitsArb, { nil: null, freq: 8 }),
    });
  return fc.integer({ min: 0, max: 14 }).chain((n) =>
    fc.tuple(...Array.from({ length: n }, (_, i) => profile(i))).chain((ps) => {
      const profiles: RefProfile[] = ps.map((p, i) => ({
        id: pid(i),
        mergedInto: p.merged ? pid(0) : null,
        name: p.name,
        phone: p.phone,
        firstSeenAt: p.firstSeenAt,
        lastSeenAt: p.lastSeenAt,
        eventCount: p.eventCount,
        orderCount: p.orderCount,
        totalSpendMinor: p.totalSpendMinor,
        lastOrderAt: p.lastOrderAt,
        traits: p.traits as Record<string, unknown> | null,
      }));
      const live = profiles.filter((p) => p.mergedInto === null).map((p) => p.id);
      const liveOrNull = live.length ? fc.option(fc.constantFrom(...live), { nil: null, freq: 10 }) : fc.constant(null);
      const event: fc.Arbitrary<RefEvent> = fc.record({
        profileId: liveOrNull,
        event: fc.constantFrom(...EVENTS),
        ts: instant(base),
        storeId: maybe(fc.constantFrom(...STORES)),
        revenue: maybe(fc.integer({ min: 0, max: 2000 })),
        properties: fc.record({ sku: fc.oneof(fc.constantFrom(...SKUS), fc.constant(3)), price: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.constant("9")), member: fc.boolean() }, { requiredKeys: [] }),
      });
      const pick = <T>(arb: fc.Arbitrary<T>) => (live.length ? fc.array(arb, { maxLength: live.length }) : fc.constant([] as T[]));
      const livePick = live.length ? fc.constantFrom(...live) : fc.constant("");
      return fc.record({
        profiles: fc.constant(profiles),
        events: fc.array(event, { maxLength: 40 }),
        tags: pick(fc.record({ profileId: livePick, tagId: fc.constantFrom(...TAGS) })),
        scores: fc.uniqueArray(
          fc.record({
            profileId: livePick,
            rfmCell: maybe(fc.constantFrom(...RFM_CELLS)),
            rfmLayer: maybe(fc.constantFrom(...RFM_LAYERS)),
            lifecycleStage: maybe(fc.constantFrom(...LIFECYCLE_STAGES)),
            valueTier: maybe(fc.constantFrom(...VALUE_TIERS)),
          }),
          { maxLength: live.length, selector: (s) => s.profileId },
        ),
        clv: fc.uniqueArray(
          fc.record({
            profileId: livePick,
            p_alive: fc.constantFrom(0, 0.25, 0.5, 0.9, 1),
            expected_purchases_90d: fc.constantFrom(0, 0.5, 1, 2.5),
            expected_value_90d: maybe(fc.constantFrom(0, 10, 100.5)),
            expected_value_365d: maybe(fc.constantFrom(0, 50, 400)),
          }),
          { maxLength: live.length, selector: (c) => c.profileId },
        ),
        consents: fc.uniqueArray(
          fc.record({ profileId: livePick, channel: fc.constantFrom("sms", "wechat"), purpose: fc.constantFrom("marketing", "service"), granted: fc.boolean() }),
          { maxLength: live.length * 2, selector: (k) => `${k.profileId}/${k.channel}/${k.purpose}` },
        ),
      });
    }),
  );
}

// ---------- rules ----------
const num = fc.oneof(fc.integer({ min: -5, max: 600 }), fc.constantFrom(0, 1, 2, 12.5, 100.5, 1000));
const pair = <T>(arb: fc.Arbitrary<T>, order: (a: T, b: T) => number) => fc.tuple(arb, arb).map(([a, b]) => (order(a, b) <= 0 ? [a, b] : [b, a]) as [T, T]);
const numPair = pair(num, (a, b) => a - b);
const datePair = pair(fc.constantFrom(...DATES.filter((d) => d !== "2021-02-30")), (a, b) => Date.parse(a.length === 10 ? a : a.replace(" ", "T") + (a.includes("+") || a.endsWith("Z") ? "" : "Z")) - Date.parse(b.length === 10 ? b : b.replace(" ", "T") + (b.includes("+") || b.endsWith("Z") ? "" : "Z")));

function operand(type: TraitDefinition["type"], op: TraitOp): fc.Arbitrary<unknown> {
  if (op === "exists" || op === "not_exists") return fc.constant(undefined);
  if (op === "in_last_days" || op === "not_in_last_days") return fc.integer({ min: 1, max: 200 });
  if (op === "anniversary_in_next_days") return fc.integer({ min: 0, max: 400 });
  const scalar: fc.Arbitrary<unknown> =
    type === "string" ? fc.constantFrom(...STRINGS, "gold", "1380", "a@") : type === "number" ? num : type === "boolean" ? fc.boolean() : fc.constantFrom(...DATES.filter((d) => d !== "2021-02-30"));
  if (op === "in" || op === "not_in") return fc.array(scalar, { minLength: 1, maxLength: 3 });
  if (op === "between") return type === "date" ? datePair : numPair;
  return scalar;
}

const traitRule: fc.Arbitrary<SegmentRule> = fc.constantFrom(...traits.traits).chain((t) =>
  fc.constantFrom(...OPS_BY_TYPE[t.type]).chain((op) =>
    operand(t.type, op).map((value) => (value === undefined ? { type: "trait", trait: t.key, op } : { type: "trait", trait: t.key, op, value }) as SegmentRule),
  ),
);

const windowArb = (nowMs: number): fc.Arbitrary<EventWindow> =>
  fc.oneof(
    fc.constant({ kind: "ever" as const }),
    fc.integer({ min: 1, max: 120 }).map((days) => ({ kind: "in_last_days" as const, days })),
    fc.integer({ min: 1, max: 120 }).map((days) => ({ kind: "before_last_days" as const, days })),
    fc.tuple(fc.integer({ min: -150, max: 10 }), fc.integer({ min: 1, max: 90 })).map(([start, len]) => ({
      kind: "between" as const,
      from: new Date(nowMs + start * DAY).toISOString(),
      to: new Date(nowMs + (start + len) * DAY).toISOString(),
    })),
  );

const filterArb: fc.Arbitrary<PropertyFilter> = fc.oneof(
  fc.record({ property: fc.constantFrom("sku", "price", "member"), op: fc.constantFrom("exists" as const, "not_exists" as const) }),
  fc.constantFrom(...PROPERTY_OPS_BY_TYPE.string).chain((op) =>
    (op === "in" || op === "not_in" ? fc.array(fc.constantFrom(...SKUS, "mo"), { minLength: 1, maxLength: 2 }) : fc.constantFrom(...SKUS, "mo", "la")).map((value) => ({ property: "sku", op, value }) as PropertyFilter),
  ),
  fc.constantFrom(...PROPERTY_OPS_BY_TYPE.number).chain((op) =>
    (op === "in" || op === "not_in" ? fc.array(num, { minLength: 1, maxLength: 2 }) : op === "between" ? numPair : num).map((value) => ({ property: "price", op, value }) as PropertyFilter),
  ),
  fc.constantFrom(...PROPERTY_OPS_BY_TYPE.boolean).chain((op) => fc.boolean().map((value) => ({ property: "member", op, value }) as PropertyFilter)),
);

function leafArb(nowMs: number): fc.Arbitrary<SegmentRule> {
  const compareOp = fc.constantFrom("eq", "neq", "gt", "gte", "lt", "lte", "between" as const);
  const threshold = (op: string) => (op === "between" ? numPair : num);
  return fc.oneof(
    { arbitrary: traitRule, weight: 5 },
    {
      arbitrary: fc
        .record({
          event: fc.constantFrom(...EVENTS),
          where: fc.option(fc.array(filterArb, { maxLength: 2 }), { nil: undefined }),
          measure: fc.oneof(fc.constant({ kind: "count" as const }), fc.record({ kind: fc.constantFrom("sum" as const, "avg" as const), property: fc.constantFrom("revenue", "price") })),
          op: compareOp,
          window: windowArb(nowMs),
        })
        .chain((r) =>
          fc.oneof(threshold(r.op), fc.constantFrom(0, 1, 2, 3)).map((value) => {
            const v = r.op === "between" && !Array.isArray(value) ? ([0, value] as [number, number]) : r.op !== "between" && Array.isArray(value) ? value[0] : value;
            const rule = { type: "event" as const, ...r, value: v as number };
            if (rule.where === undefined) delete rule.where;
            return rule as SegmentRule;
          }),
        ),
      weight: 4,
    },
    {
      arbitrary: fc.record({ event: fc.constantFrom(...EVENTS), where: fc.array(filterArb, { maxLength: 1 }), which: fc.constantFrom("first" as const, "last" as const), window: windowArb(nowMs) }).map((r) => ({ type: "occurrence" as const, ...r })),
      weight: 2,
    },
    fc.constantFrom(...TAGS).map((tagId) => ({ type: "tag" as const, tagId })),
    fc
      .record({ cells: fc.subarray([...RFM_CELLS], { maxLength: 3 }), layers: fc.subarray([...RFM_LAYERS], { maxLength: 2 }) })
      .filter((r) => r.cells.length + r.layers.length > 0)
      .map((r) => ({ type: "rfm" as const, ...r })),
    fc.subarray([...LIFECYCLE_STAGES], { minLength: 1 }).map((stages) => ({ type: "lifecycle" as const, stages })),
    fc.subarray([...VALUE_TIERS], { minLength: 1 }).map((tiers) => ({ type: "value_tier" as const, tiers })),
    fc
      .record({ metric: fc.constantFrom("expected_purchases_90d" as const, "expected_value_90d" as const, "expected_value_365d" as const, "p_alive" as const), op: compareOp })
      .chain((r) => threshold(r.op).map((value) => ({ type: "clv" as const, ...r, value }) as SegmentRule)),
    fc.record({ channel: fc.constantFrom("sms", "wechat"), purpose: fc.constantFrom("marketing" as const, "service" as const), granted: fc.boolean() }).map((r) => ({ type: "consent" as const, ...r })),
    fc.record({ storeIds: fc.subarray(STORES, { minLength: 1 }), relation: fc.constantFrom("registered" as const, "purchased" as const) }).map((r) => ({ type: "store" as const, ...r })),
    fc.constantFrom(SEG_A, SEG_B).map((segmentId) => ({ type: "segment" as const, segmentId })),
  );
}

function ruleArb(nowMs: number): fc.Arbitrary<SegmentRule> {
  const leaf = leafArb(nowMs);
  const { tree } = fc.letrec<{ tree: SegmentRule }>((tie) => ({
    tree: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leaf,
      fc.array(tie("tree"), { maxLength: 3 }).map((rules) => ({ type: "and" as const, rules })),
      fc.array(tie("tree"), { maxLength: 3 }).map((rules) => ({ type: "or" as const, rules })),
      tie("tree").map((rule) => ({ type: "not" as const, rule })),
    ),
  }));
  return tree;
}

// ---------- the property ----------
let warehouse: Warehouse;
beforeAll(async () => {
  warehouse = await openWarehouse({ dataDir: null });
  await warehouse.migrate();
});
afterAll(() => warehouse.close());

async function both(rule: SegmentRule, data: RefData, now: Date, timeZone: string, segments: Map<string, { name: string; rule: SegmentRule }>) {
  const compiled = compileRule(rule, { workspaceId: WS, now, timeZone, traits, segments });
  const rows = await warehouse.query<{ profile_id: string }>(compiled.sql, compiled.params);
  const sql = rows.map((r) => r.profile_id).sort();
  const reference = referenceEvaluate(rule, data, { now, timeZone, traits, segments });
  return { sql, reference };
}

describe("compiled segment rules agree with the reference evaluator", () => {
  it("on random data and random rule trees", async () => {
    const scenario = fc.constantFrom(...NOWS).chain((now) => {
      const nowMs = Date.parse(now);
      return fc.record({
        now: fc.constant(new Date(nowMs)),
        timeZone: fc.constantFrom(...ZONES),
        data: dataArb(nowMs),
        segA: leafArb(nowMs).filter((r) => r.type !== "segment"),
        segB: ruleArb(nowMs).filter((r) => !JSON.stringify(r).includes(SEG_B)),
        rules: fc.array(ruleArb(nowMs), { minLength: 1, maxLength: 8 }),
      });
    });
    let evaluated = 0;
    let partial = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async ({ now, timeZone, data, segA, segB, rules }) => {
        await loadReferenceData(warehouse, WS, data);
        // SEG_B may reference SEG_A; SEG_A references nothing.
        const segments = new Map([
          [SEG_A, { name: "A", rule: segA }],
          [SEG_B, { name: "B", rule: segB }],
        ]);
        for (const rule of rules) {
          expect(await validateRule(rule, { workspaceId: WS, traits, segments })).toEqual([]);
          const { sql, reference } = await both(rule, data, now, timeZone, segments);
          expect(sql, JSON.stringify(rule)).toEqual(reference);
          evaluated++;
          const live = data.profiles.filter((p) => p.mergedInto === null).length;
          if (reference.length > 0 && reference.length < live) partial++;
        }
      }),
      { numRuns: Number(process.env.SEGMENT_PROPERTY_RUNS ?? 150) },
    );
    // The generators must make rules that tell customers apart, not only "everyone" and "no one".
    expect(partial / evaluated).toBeGreaterThan(0.1);
  }, 240_000);
});
