import { TRAIT_OPS, TRAIT_TYPES, SegmentRule as SegmentRuleSchema } from "@siyu/contracts";
import { describe, expect, it } from "vitest";
import {
  LEAF_KINDS,
  PROPERTY_OPS_BY_TYPE,
  coerceValue,
  defaultLeaf,
  opsForTraitType,
  propertyTypeOf,
  propertyValueInput,
  thresholdFor,
  valueInputFor,
  windowOfKind,
  withPropertyOp,
  withPropertyType,
  withTrait,
  withTraitOp,
} from "./conditions";

describe("operators per trait type", () => {
  it("offers the contract's operators for each type, and only those", () => {
    expect(opsForTraitType("string")).toEqual(["eq", "neq", "in", "not_in", "contains", "starts_with", "exists", "not_exists"]);
    expect(opsForTraitType("number")).toContain("between");
    expect(opsForTraitType("number")).not.toContain("contains");
    expect(opsForTraitType("boolean")).toEqual(["eq", "exists", "not_exists"]);
    expect(opsForTraitType("date")).toContain("anniversary_in_next_days");
    for (const type of TRAIT_TYPES) for (const op of opsForTraitType(type)) expect(TRAIT_OPS).toContain(op);
  });

  it("asks for the value input each operator needs", () => {
    expect(valueInputFor("string", "eq")).toBe("text");
    expect(valueInputFor("string", "in")).toBe("text-list");
    expect(valueInputFor("string", "exists")).toBe("none");
    expect(valueInputFor("number", "gte")).toBe("number");
    expect(valueInputFor("number", "between")).toBe("number-range");
    expect(valueInputFor("boolean", "eq")).toBe("boolean");
    expect(valueInputFor("date", "before")).toBe("date");
    expect(valueInputFor("date", "between")).toBe("date-range");
    expect(valueInputFor("date", "in_last_days")).toBe("days");
    expect(valueInputFor("date", "anniversary_in_next_days")).toBe("days");
  });
});

describe("keeping values across operator changes", () => {
  it("reshapes what it can", () => {
    expect(coerceValue("Shanghai", "text-list")).toEqual(["Shanghai"]);
    expect(coerceValue(["Shanghai", "Hangzhou"], "text")).toBe("Shanghai");
    expect(coerceValue(3, "number-range")).toEqual([3, 3]);
    expect(coerceValue([2, 5], "number")).toBe(2);
    expect(coerceValue("7", "number")).toBe(7);
    expect(coerceValue("abc", "number")).toBeUndefined();
    expect(coerceValue(undefined, "days")).toBe(30);
    expect(coerceValue(-4, "days")).toBe(30);
    expect(coerceValue(0, "days")).toBe(0);
    expect(coerceValue("2026-01-02", "date-range")).toEqual(["2026-01-02", "2026-01-02"]);
    expect(coerceValue("x", "none")).toBeUndefined();
  });

  it("switching a trait keeps an operator that still fits, else takes the type's first", () => {
    const rule = { type: "trait" as const, trait: "city", op: "in" as const, value: ["Shanghai"] };
    expect(withTrait(rule, "province", "string")).toEqual({ type: "trait", trait: "province", op: "in", value: ["Shanghai"] });
    expect(withTrait(rule, "order_count", "number")).toEqual({ type: "trait", trait: "order_count", op: "eq" });
    expect(withTrait(rule, "birthday", "date")).toEqual({ type: "trait", trait: "birthday", op: "in_last_days", value: 30 });
    expect(withTraitOp(rule, "string", "exists")).toEqual({ type: "trait", trait: "city", op: "exists" });
  });

  it("thresholds become a pair for between and one number otherwise", () => {
    expect(thresholdFor("between", 2)).toEqual([2, 2]);
    expect(thresholdFor("gte", [2, 9])).toBe(2);
  });

  it("windows keep their days when switching between relative kinds", () => {
    expect(windowOfKind("before_last_days", { kind: "in_last_days", days: 7 })).toEqual({ kind: "before_last_days", days: 7 });
    expect(windowOfKind("ever", { kind: "in_last_days", days: 7 })).toEqual({ kind: "ever" });
    expect(windowOfKind("between")).toEqual({ kind: "between", from: "", to: "" });
  });
});

describe("new conditions", () => {
  const catalogue = {
    traits: [{ key: "city", type: "string" as const, label: "City" }],
    events: [{ name: "Order Completed" }],
  };

  it("start from the catalogue's first trait and event", () => {
    expect(defaultLeaf("trait", catalogue)).toEqual({ type: "trait", trait: "city", op: "eq", value: "" });
    expect(defaultLeaf("event", catalogue)).toMatchObject({ event: "Order Completed", op: "gte", value: 1 });
  });

  it("complete kinds already satisfy the contract's shape", () => {
    for (const kind of ["event", "occurrence", "clv", "consent"] as const) {
      expect(SegmentRuleSchema.safeParse(defaultLeaf(kind, catalogue)).success, kind).toBe(true);
    }
    expect(LEAF_KINDS).toHaveLength(11);
  });
});

describe("event property filters", () => {
  it("read their type from the value and offer that type's operators", () => {
    expect(propertyTypeOf({ property: "product_id", op: "eq", value: "tea-01" })).toBe("string");
    expect(propertyTypeOf({ property: "price", op: "in", value: [10, 20] })).toBe("number");
    expect(propertyTypeOf({ property: "gift", op: "eq", value: true })).toBe("boolean");
    expect(propertyTypeOf({ property: "x", op: "exists" })).toBe("string");
    expect(PROPERTY_OPS_BY_TYPE.string).not.toContain("gt");
    expect(propertyValueInput("number", "in")).toBe("number-list");
    expect(propertyValueInput("string", "exists")).toBe("none");
  });

  it("switching the type keeps a number typed, so the type does not snap back to text", () => {
    const blank = { property: "price", op: "eq" as const, value: "" };
    const asNumber = withPropertyType(blank, "number");
    expect(asNumber).toEqual({ property: "price", op: "eq", value: 0 });
    expect(propertyTypeOf(asNumber)).toBe("number");
    expect(withPropertyType({ property: "city", op: "contains", value: "Shang" }, "number")).toEqual({ property: "city", op: "eq", value: 0 });
    expect(withPropertyOp(asNumber, "number", "between")).toEqual({ property: "price", op: "between", value: [0, 0] });
    expect(withPropertyOp({ property: "price", op: "eq", value: 12 }, "number", "in")).toEqual({ property: "price", op: "in", value: [12] });
    expect(withPropertyType({ property: "gift", op: "eq", value: "x" }, "boolean")).toEqual({ property: "gift", op: "eq", value: true });
    expect(withPropertyOp({ property: "p", op: "eq", value: "a" }, "string", "exists")).toEqual({ property: "p", op: "exists" });
  });
});
