import { describe, expect, it } from "vitest";
import type { SegmentRule } from "@siyu/contracts";
import { validateRule } from "./rule-validator";
import { catalogueOf } from "./trait-catalogue";

const WS = "0190c000-0000-7000-8000-000000000001";
const TAG = "0190c000-0000-7000-8000-0000000000aa";
const traits = catalogueOf([]);
const check = (rule: SegmentRule, extra: Partial<Parameters<typeof validateRule>[1]> = {}) =>
  validateRule(rule, { workspaceId: WS, traits, segments: new Map(), ...extra });
const trait = (t: string, op: string, value?: unknown) => ({ type: "trait", trait: t, op, ...(value === undefined ? {} : { value }) }) as SegmentRule;

describe("validateRule", () => {
  it.each([
    ["a value for exists", trait("city", "exists", "x"), ["value"]],
    ["a scalar for in", trait("city", "in", "上海"), ["value"]],
    ["an empty list for not_in", trait("city", "not_in", []), ["value"]],
    ["a number for a string trait", trait("city", "eq", 3), ["value"]],
    ["a list element of the wrong type", trait("city", "in", ["上海", 3]), ["value", 1]],
    ["between low above high", trait("order_count", "between", [5, 1]), ["value"]],
    ["between with one value", trait("order_count", "between", 5), ["value"]],
    ["a date that is not ISO", trait("birthday", "before", "01/02/2020"), ["value"]],
    ["a date that does not exist", trait("birthday", "after", "2021-02-30"), ["value"]],
    ["zero days", trait("last_seen_at", "in_last_days", 0), ["value"]],
    ["fractional days", trait("last_seen_at", "not_in_last_days", 1.5), ["value"]],
    ["a string op on a date", trait("birthday", "contains", "05"), ["op"]],
    ["a date op on a boolean-less string", trait("city", "before", "2020-01-01"), ["op"]],
  ] as const)("refuses %s", async (_name, rule, path) => {
    const problems = await check(rule);
    expect(problems.map((p) => p.path)).toEqual([path]);
  });

  it("checks windows, thresholds and property filters", async () => {
    const rule: SegmentRule = {
      type: "or",
      rules: [
        { type: "event", event: "E", measure: { kind: "count" }, op: "between", value: 3, window: { kind: "between", from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z" } },
        { type: "event", event: "E", where: [{ property: "sku", op: "gt", value: "a" }, { property: 'a"b', op: "exists" }, { property: "n", op: "in", value: [1, "2"] }], measure: { kind: "sum", property: "x\\y" }, op: "gt", value: [1, 2], window: { kind: "before_last_days", days: 0 } },
        { type: "occurrence", event: "E", which: "first", window: { kind: "in_last_days", days: 2.5 } },
        { type: "clv", metric: "p_alive", op: "gte", value: [0.1, 0.2] },
      ],
    };
    expect((await check(rule)).map((p) => p.path)).toEqual([
      ["rules", 0, "window", "to"],
      ["rules", 0, "value"],
      ["rules", 1, "where", 0, "op"],
      ["rules", 1, "where", 1, "property"],
      ["rules", 1, "where", 2, "value", 1],
      ["rules", 1, "measure", "property"],
      ["rules", 1, "window", "days"],
      ["rules", 1, "value"],
      ["rules", 2, "window", "days"],
      ["rules", 3, "value"],
    ]);
  });

  it("asks the tags module which tag ids exist, once for the whole tree", async () => {
    const asked: string[][] = [];
    const knownTagIds = async (_ws: string, ids: string[]) => {
      asked.push(ids);
      return new Set([TAG]);
    };
    const other = "0190c000-0000-7000-8000-0000000000bb";
    const rule: SegmentRule = { type: "and", rules: [{ type: "tag", tagId: TAG }, { type: "not", rule: { type: "tag", tagId: other } }, { type: "tag", tagId: other }] };
    expect((await check(rule, { knownTagIds })).map((p) => p.path)).toEqual([
      ["rules", 1, "rule", "tagId"],
      ["rules", 2, "tagId"],
    ]);
    expect(asked).toEqual([[TAG, other]]);
  });

  it("finds cycles through other segments and limits the expanded size", async () => {
    const A = "0190c000-0000-7000-8000-0000000000a1";
    const B = "0190c000-0000-7000-8000-0000000000b1";
    const segments = new Map<string, { name: string; rule: SegmentRule }>([
      [B, { name: "B", rule: { type: "segment", segmentId: A } }],
    ]);
    // Editing A to reference B, which references A.
    const problems = await check({ type: "not", rule: { type: "segment", segmentId: B } }, { segments, selfId: A });
    expect(problems).toEqual([{ path: ["rule", "segmentId"], message: expect.stringContaining("cycle") }]);

    let deep: SegmentRule = trait("city", "exists");
    for (let i = 0; i < 25; i++) deep = { type: "not", rule: deep };
    expect((await check(deep))[0]?.message).toContain("deeper than 20");
    const wide: SegmentRule = { type: "or", rules: Array.from({ length: 10 }, () => ({ type: "and", rules: Array.from({ length: 100 }, () => trait("city", "exists")) })) };
    expect((await check(wide))[0]?.message).toContain("more than 1000");
  });
});
