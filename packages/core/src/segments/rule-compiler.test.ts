import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWarehouse, type Warehouse } from "@siyu/storage";
import type { SegmentRule } from "@siyu/contracts";
import { compileRule } from "./rule-compiler";
import { referenceEvaluate, type RefData, type RefProfile } from "./reference-evaluator";
import { loadReferenceData } from "./reference-data";
import { catalogueOf } from "./trait-catalogue";
import { validateRule } from "./rule-validator";

// Hand-written cases: a small known world, and for each rule the customers a person would expect.
// Each is checked on the compiled SQL (real DuckDB) and on the reference evaluator.

const WS = "0190b000-0000-7000-8000-000000000001";
const NOW = new Date("2026-03-01T04:00:00.000Z"); // 12:00 in Shanghai
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
const id = (n: number) => `0190b000-0000-7000-8000-00000000000${n}`;
const [ANN, BO, CHEN, DING, MERGED] = [1, 2, 3, 4, 5].map(id) as [string, string, string, string, string];
const TAG = "0190b000-0000-7000-8000-0000000000aa";
const SEG_SH = "0190b000-0000-7000-8000-0000000000b1";
const SEG_BUYERS = "0190b000-0000-7000-8000-0000000000b2";

function profile(p: Partial<RefProfile> & { id: string }): RefProfile {
  return { mergedInto: null, name: null, phone: null, firstSeenAt: null, lastSeenAt: null, eventCount: 0, orderCount: 0, totalSpendMinor: 0, lastOrderAt: null, traits: null, ...p };
}

const data: RefData = {
  profiles: [
    profile({ id: ANN, name: "Ann", phone: "13800000001", orderCount: 2, totalSpendMinor: 30_000, lastOrderAt: ago(3), firstSeenAt: ago(100),
      traits: { city: "上海", birthday: "1990-03-01", registration_store: "s1", points: 120, vip: true, signup: "2025-12-01" } }),
    profile({ id: BO, name: "Bo", orderCount: 1, totalSpendMinor: 5_000, lastOrderAt: ago(40), firstSeenAt: ago(5),
      traits: { city: "北京", birthday: "1992-02-29", points: "many", email: "bo@example.cn" } }),
    profile({ id: CHEN, name: "Chen", firstSeenAt: ago(1), traits: { city: "Shanghai", vip: false } }),
    profile({ id: DING, traits: null }),
    profile({ id: MERGED, mergedInto: ANN, name: "Ann (old)", traits: { city: "上海" } }),
  ],
  events: [
    { profileId: ANN, event: "Order Completed", ts: ago(3), storeId: "s2", revenue: 200, properties: { sku: "molly", price: 200 } },
    { profileId: ANN, event: "Order Completed", ts: ago(50), storeId: "s1", revenue: 100, properties: { sku: "labubu", price: 100 } },
    { profileId: BO, event: "Order Completed", ts: ago(40), storeId: "s1", revenue: 50, properties: { sku: "molly", price: 50 } },
    { profileId: BO, event: "Product Viewed", ts: ago(1), storeId: null, revenue: null, properties: { sku: "molly" } },
    { profileId: BO, event: "Product Viewed", ts: ago(2), storeId: null, revenue: null, properties: { sku: "molly" } },
    { profileId: BO, event: "Product Viewed", ts: ago(30), storeId: null, revenue: null, properties: { sku: "molly" } },
    { profileId: CHEN, event: "Product Viewed", ts: new Date(NOW.getTime() - 30 * DAY), storeId: null, revenue: null, properties: { sku: "skull" } },
    { profileId: CHEN, event: "Product Viewed", ts: new Date(NOW.getTime() + DAY), storeId: null, revenue: null, properties: { sku: "skull" } },
    { profileId: null, event: "Order Completed", ts: ago(1), storeId: "s1", revenue: 999, properties: {} },
  ],
  tags: [{ profileId: BO, tagId: TAG }],
  scores: [
    { profileId: ANN, rfmCell: "champions", rfmLayer: "high_value_core", lifecycleStage: "mature", valueTier: "vip" },
    { profileId: BO, rfmCell: "at_risk", rfmLayer: "dormant", lifecycleStage: "dormant", valueTier: "regular" },
  ],
  clv: [
    { profileId: ANN, p_alive: 0.9, expected_purchases_90d: 2, expected_value_90d: 400, expected_value_365d: 1200 },
    { profileId: BO, p_alive: 0.3, expected_purchases_90d: 0.2, expected_value_90d: null, expected_value_365d: 30 },
  ],
  consents: [
    { profileId: ANN, channel: "sms", purpose: "marketing", granted: true },
    { profileId: BO, channel: "sms", purpose: "marketing", granted: false },
  ],
};

const traits = catalogueOf([
  { key: "points", type: "number", source: "custom", label: "points", from: { kind: "json", key: "points" } },
  { key: "vip", type: "boolean", source: "custom", label: "vip", from: { kind: "json", key: "vip" } },
  { key: "signup", type: "date", source: "custom", label: "signup", from: { kind: "json", key: "signup" } },
]);
const segments = new Map<string, { name: string; rule: SegmentRule }>([
  [SEG_SH, { name: "上海", rule: { type: "trait", trait: "city", op: "eq", value: "上海" } }],
  [SEG_BUYERS, { name: "Buyers", rule: { type: "trait", trait: "order_count", op: "gte", value: 1 } }],
]);

let warehouse: Warehouse;
beforeAll(async () => {
  warehouse = await openWarehouse({ dataDir: null });
  await warehouse.migrate();
  await loadReferenceData(warehouse, WS, data);
});
afterAll(() => warehouse.close());

const trait = (t: string, op: string, value?: unknown) => ({ type: "trait", trait: t, op, ...(value === undefined ? {} : { value }) }) as SegmentRule;
const count = (event: string, op: string, value: number | [number, number], window: object = { kind: "ever" }, where?: object[]) =>
  ({ type: "event", event, measure: { kind: "count" }, op, value, window, ...(where ? { where } : {}) }) as SegmentRule;

const CASES: [string, SegmentRule, string[]][] = [
  // traits: strings
  ["string eq", trait("city", "eq", "上海"), [ANN]],
  ["string neq skips missing", trait("city", "neq", "上海"), [BO, CHEN]],
  ["not eq includes missing", { type: "not", rule: trait("city", "eq", "上海") }, [BO, CHEN, DING]],
  ["string in", trait("city", "in", ["上海", "北京"]), [ANN, BO]],
  ["string not_in", trait("city", "not_in", ["上海"]), [BO, CHEN]],
  ["contains is case-sensitive", trait("city", "contains", "hai"), [CHEN]],
  ["starts_with", trait("name", "starts_with", "B"), [BO]],
  ["exists", trait("email", "exists"), [BO]],
  ["not_exists", trait("email", "not_exists"), [ANN, CHEN, DING]],
  // numbers
  ["number gt on a column", trait("order_count", "gt", 1), [ANN]],
  ["total_spend in major units", trait("total_spend", "between", [50, 300]), [ANN, BO]],
  ["average order value", trait("average_order_value", "eq", 150), [ANN]],
  ["average order value is missing without orders", trait("average_order_value", "not_exists"), [CHEN, DING]],
  ["custom number of the wrong JSON type does not exist", trait("points", "exists"), [ANN]],
  // booleans
  ["boolean eq false", trait("vip", "eq", false), [CHEN]],
  // dates
  ["date before", trait("signup", "before", "2026-01-01"), [ANN]],
  ["date column in_last_days", trait("first_seen_at", "in_last_days", 7), [BO, CHEN]],
  ["date column not_in_last_days", trait("first_seen_at", "not_in_last_days", 7), [ANN]],
  ["date between inclusive", trait("last_order_at", "between", [ago(3).toISOString(), ago(3).toISOString()]), [ANN]],
  ["birthday today (Shanghai)", trait("birthday", "anniversary_in_next_days", 0), [ANN]],
  ["29 February is the 28th in other years", trait("birthday", "anniversary_in_next_days", 365), [ANN, BO]],
  // events
  ["count in the last 7 days", count("Product Viewed", "gte", 2, { kind: "in_last_days", days: 7 }), [BO]],
  ["window start is inclusive", count("Product Viewed", "eq", 1, { kind: "in_last_days", days: 30 }, [{ property: "sku", op: "eq", value: "skull" }]), [CHEN]],
  ["future events are not in relative windows", count("Product Viewed", "eq", 1, { kind: "ever" }, [{ property: "sku", op: "eq", value: "skull" }]), [CHEN]],
  ["zero events count as 0", count("Order Completed", "lt", 1), [CHEN, DING]],
  ["before_last_days", count("Order Completed", "gte", 1, { kind: "before_last_days", days: 30 }), [ANN, BO]],
  ["between window is [from, to)", count("Order Completed", "gte", 1, { kind: "between", from: ago(50).toISOString(), to: ago(40).toISOString() }), [ANN]],
  ["property filter on a number", count("Order Completed", "gte", 1, { kind: "ever" }, [{ property: "price", op: "gt", value: 150 }]), [ANN]],
  ["sum of revenue", { type: "event", event: "Order Completed", measure: { kind: "sum", property: "revenue" }, op: "gte", value: 300, window: { kind: "ever" } }, [ANN]],
  ["avg is missing without events", { type: "not", rule: { type: "event", event: "Order Completed", measure: { kind: "avg", property: "price" }, op: "gte", value: 0, window: { kind: "ever" } } }, [CHEN, DING]],
  // occurrences
  ["first order in the last 7 days", { type: "occurrence", event: "Order Completed", which: "first", window: { kind: "in_last_days", days: 7 } }, []],
  ["last order in the last 7 days", { type: "occurrence", event: "Order Completed", which: "last", window: { kind: "in_last_days", days: 7 } }, [ANN]],
  // other leaves
  ["tag", { type: "tag", tagId: TAG }, [BO]],
  ["rfm cells or layers", { type: "rfm", cells: ["champions"], layers: ["dormant"] }, [ANN, BO]],
  ["lifecycle", { type: "lifecycle", stages: ["dormant"] }, [BO]],
  ["value tier", { type: "value_tier", tiers: ["vip", "svip"] }, [ANN]],
  ["clv", { type: "clv", metric: "p_alive", op: "gte", value: 0.5 }, [ANN]],
  ["clv null metric does not match", { type: "clv", metric: "expected_value_90d", op: "lt", value: 1000 }, [ANN]],
  ["consent granted", { type: "consent", channel: "sms", purpose: "marketing", granted: true }, [ANN]],
  ["consent refused or never given", { type: "consent", channel: "sms", purpose: "marketing", granted: false }, [BO, CHEN, DING]],
  ["registered at a store", { type: "store", storeIds: ["s1"], relation: "registered" }, [ANN]],
  ["purchased at a store", { type: "store", storeIds: ["s1"], relation: "purchased" }, [ANN, BO]],
  ["segment reference", { type: "and", rules: [{ type: "segment", segmentId: SEG_SH }, { type: "segment", segmentId: SEG_BUYERS }] }, [ANN]],
  // combinators
  ["empty and is everyone", { type: "and", rules: [] }, [ANN, BO, CHEN, DING]],
  ["empty or is no one", { type: "or", rules: [] }, []],
  // regressions found by the property test
  ["epoch milliseconds are not bound as 32-bit integers", trait("first_seen_at", "before", "2026-02-28"), [ANN, BO]],
  ["anniversary rules bind only the parameters they use", { type: "not", rule: trait("signup", "anniversary_in_next_days", 0) }, [ANN, BO, CHEN, DING]],
];

describe("hand-written rule cases", () => {
  it.each(CASES)("%s", async (_name, rule, expected) => {
    expect(await validateRule(rule, { workspaceId: WS, traits, segments })).toEqual([]);
    const compiled = compileRule(rule, { workspaceId: WS, now: NOW, timeZone: "Asia/Shanghai", traits, segments });
    const sql = (await warehouse.query<{ profile_id: string }>(compiled.sql, compiled.params)).map((r) => r.profile_id).sort();
    expect(sql).toEqual([...expected].sort());
    expect(referenceEvaluate(rule, data, { now: NOW, timeZone: "Asia/Shanghai", traits, segments })).toEqual([...expected].sort());
  });

  it("binds every value instead of writing it into the SQL", () => {
    const nasty = "'; drop table profiles; --";
    const compiled = compileRule(trait("city", "eq", nasty), { workspaceId: WS, now: NOW, timeZone: "UTC", traits, segments });
    expect(compiled.sql).not.toContain(nasty);
    expect(compiled.params).toContain(nasty);
  });
});
