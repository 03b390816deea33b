import {
  COMPARE_OPS,
  type CompareOp,
  type EventWindow,
  type PropertyFilter,
  type RuleValue,
  type SegmentRule,
  type TraitOp,
  type TraitType,
} from "@siyu/contracts";
import type { LeafKind, LeafRule } from "./rule-tree";

/** Operators that fit a trait of each type (the contract's table, in the order the picker shows them). */
export const TRAIT_OPS_BY_TYPE: Readonly<Record<TraitType, readonly TraitOp[]>> = {
  string: ["eq", "neq", "in", "not_in", "contains", "starts_with", "exists", "not_exists"],
  number: ["eq", "neq", "gt", "gte", "lt", "lte", "between", "exists", "not_exists"],
  boolean: ["eq", "exists", "not_exists"],
  date: ["in_last_days", "not_in_last_days", "before", "after", "between", "anniversary_in_next_days", "exists", "not_exists"],
};

export function opsForTraitType(type: TraitType): readonly TraitOp[] {
  return TRAIT_OPS_BY_TYPE[type];
}

/** The input a condition's value needs, decided by the trait's type and the operator. */
export type ValueInputKind =
  | "none"
  | "text"
  | "text-list"
  | "number"
  | "number-list"
  | "number-range"
  | "boolean"
  | "date"
  | "date-range"
  | "days";

export function valueInputFor(type: TraitType, op: TraitOp): ValueInputKind {
  if (op === "exists" || op === "not_exists") return "none";
  switch (type) {
    case "string":
      return op === "in" || op === "not_in" ? "text-list" : "text";
    case "number":
      if (op === "between") return "number-range";
      return op === "in" || op === "not_in" ? "text-list" : "number";
    case "boolean":
      return "boolean";
    case "date":
      if (op === "between") return "date-range";
      if (op === "before" || op === "after") return "date";
      return "days";
  }
}

/**
 * Keeps what can be kept of a value when the operator (or the trait's type) changes: "Shanghai"
 * becomes ["Shanghai"] for "is one of", 3 becomes [3, 3] for "between", and so on.
 */
export function coerceValue(value: RuleValue | undefined, kind: ValueInputKind): RuleValue | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  switch (kind) {
    case "none":
      return undefined;
    case "text":
      return first === undefined || typeof first === "boolean" ? "" : String(first);
    case "text-list":
      if (Array.isArray(value)) return value.map(String).filter((s) => s !== "");
      return first === undefined || first === "" || typeof first === "boolean" ? [] : [String(first)];
    case "number": {
      const n = toNumber(first);
      return n === undefined ? undefined : n;
    }
    case "number-list":
      return (Array.isArray(value) ? value : first === undefined ? [] : [first]).map(toNumber).filter((n): n is number => n !== undefined);
    case "number-range": {
      if (Array.isArray(value) && value.length === 2) {
        const low = toNumber(value[0]);
        const high = toNumber(value[1]);
        if (low !== undefined && high !== undefined) return [low, high];
      }
      const n = toNumber(first);
      return n === undefined ? undefined : [n, n];
    }
    case "boolean":
      return typeof first === "boolean" ? first : true;
    case "date":
      return typeof first === "string" && isIsoDate(first) ? first : "";
    case "date-range":
      if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === "string" && isIsoDate(v))) return value;
      return typeof first === "string" && isIsoDate(first) ? [first, first] : ["", ""];
    case "days": {
      const n = toNumber(first);
      return n !== undefined && Number.isInteger(n) && n >= 0 ? n : 30;
    }
  }
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

function isIsoDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}/.test(value);
}

/** A trait condition after the operator changed, its value reshaped for the new operator. */
export function withTraitOp(rule: Extract<SegmentRule, { type: "trait" }>, type: TraitType, op: TraitOp): LeafRule {
  const value = coerceValue(rule.value, valueInputFor(type, op));
  return value === undefined ? { type: "trait", trait: rule.trait, op } : { type: "trait", trait: rule.trait, op, value };
}

/** A trait condition pointed at another trait: the operator is kept when it still fits the type. */
export function withTrait(rule: Extract<SegmentRule, { type: "trait" }>, trait: string, type: TraitType): LeafRule {
  const ops = opsForTraitType(type);
  const op = ops.includes(rule.op) ? rule.op : ops[0]!;
  const value = coerceValue(rule.value, valueInputFor(type, op));
  return value === undefined ? { type: "trait", trait, op } : { type: "trait", trait, op, value };
}

/**
 * An event property filter compares with a value of one type (the server reads the type from the
 * value): text, number or yes/no, each with its operators. exists / not_exists fit all three.
 */
export const PROPERTY_TYPES = ["string", "number", "boolean"] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];
export const PROPERTY_OPS_BY_TYPE: Readonly<Record<PropertyType, readonly TraitOp[]>> = {
  string: ["eq", "neq", "in", "not_in", "contains", "starts_with", "exists", "not_exists"],
  number: ["eq", "neq", "gt", "gte", "lt", "lte", "between", "in", "not_in", "exists", "not_exists"],
  boolean: ["eq", "neq", "exists", "not_exists"],
};

/** The type a filter compares with, read from its value (text when there is none yet). */
export function propertyTypeOf(filter: PropertyFilter): PropertyType {
  const sample = Array.isArray(filter.value) ? filter.value[0] : filter.value;
  if (typeof sample === "number") return "number";
  if (typeof sample === "boolean") return "boolean";
  return "string";
}

export function propertyValueInput(type: PropertyType, op: TraitOp): ValueInputKind {
  if (op === "exists" || op === "not_exists") return "none";
  if (type === "boolean") return "boolean";
  if (type === "number") {
    if (op === "between") return "number-range";
    return op === "in" || op === "not_in" ? "number-list" : "number";
  }
  return op === "in" || op === "not_in" ? "text-list" : "text";
}

function filterWith(filter: PropertyFilter, op: TraitOp, value: RuleValue | undefined): PropertyFilter {
  return value === undefined ? { property: filter.property, op } : { property: filter.property, op, value };
}

/**
 * The filter's value for its type and operator. The type lives in the value, so a number filter
 * gets a number straight away (0) rather than a blank that would read as text.
 */
function typedValue(value: RuleValue | undefined, type: PropertyType, op: TraitOp): RuleValue | undefined {
  const kind = propertyValueInput(type, op);
  const coerced = coerceValue(value, kind);
  if (kind === "number" && coerced === undefined) return 0;
  if (kind === "number-range" && coerced === undefined) return [0, 0];
  if (kind === "number-list" && Array.isArray(coerced) && coerced.length === 0) return [0];
  return coerced;
}

export function withPropertyOp(filter: PropertyFilter, type: PropertyType, op: TraitOp): PropertyFilter {
  return filterWith(filter, op, typedValue(filter.value, type, op));
}

/** Switching a filter to compare numbers (or text, or yes/no): keeps the operator when it fits. */
export function withPropertyType(filter: PropertyFilter, type: PropertyType): PropertyFilter {
  const ops = PROPERTY_OPS_BY_TYPE[type];
  const op = ops.includes(filter.op) ? filter.op : ops[0]!;
  return filterWith(filter, op, typedValue(filter.value, type, op));
}

export const COMPARE_OP_LIST: readonly CompareOp[] = COMPARE_OPS;

/** A comparison's threshold reshaped for its operator: between takes [low, high], the others one number. */
export function thresholdFor(op: CompareOp, value: number | [number, number]): number | [number, number] {
  if (op === "between") return Array.isArray(value) ? value : [value, value];
  return Array.isArray(value) ? value[0] : value;
}

export const WINDOW_KINDS = ["in_last_days", "before_last_days", "between", "ever"] as const satisfies ReadonlyArray<EventWindow["kind"]>;

export function windowOfKind(kind: EventWindow["kind"], previous?: EventWindow): EventWindow {
  const days = previous && "days" in previous ? previous.days : 30;
  switch (kind) {
    case "ever":
      return { kind };
    case "in_last_days":
    case "before_last_days":
      return { kind, days };
    case "between":
      return previous?.kind === "between" ? previous : { kind, from: "", to: "" };
  }
}

/** The kinds of condition the "add condition" menu offers, in its order. */
export const LEAF_KINDS: readonly LeafKind[] = [
  "trait",
  "event",
  "occurrence",
  "tag",
  "rfm",
  "lifecycle",
  "value_tier",
  "clv",
  "segment",
  "store",
  "consent",
];

export type CatalogueTrait = { key: string; type: TraitType; label: string };

/**
 * A fresh condition of a kind, filled with the first sensible choice so that a click on "add"
 * already counts something where it can (the first trait and event of the catalogue).
 */
export function defaultLeaf(kind: LeafKind, catalogue?: { traits: readonly CatalogueTrait[]; events: ReadonlyArray<{ name: string }> }): LeafRule {
  const event = catalogue?.events[0]?.name ?? "";
  switch (kind) {
    case "trait": {
      const trait = catalogue?.traits[0];
      if (!trait) return { type: "trait", trait: "", op: "eq", value: "" };
      return withTrait({ type: "trait", trait: trait.key, op: "eq" }, trait.key, trait.type);
    }
    case "event":
      return { type: "event", event, measure: { kind: "count" }, op: "gte", value: 1, window: { kind: "in_last_days", days: 30 } };
    case "occurrence":
      return { type: "occurrence", event, which: "first", window: { kind: "in_last_days", days: 30 } };
    case "tag":
      return { type: "tag", tagId: "" };
    case "rfm":
      return { type: "rfm", cells: [] };
    case "lifecycle":
      return { type: "lifecycle", stages: [] };
    case "value_tier":
      return { type: "value_tier", tiers: [] };
    case "clv":
      return { type: "clv", metric: "expected_value_90d", op: "gte", value: 0 };
    case "segment":
      return { type: "segment", segmentId: "" };
    case "store":
      return { type: "store", storeIds: [], relation: "purchased" };
    case "consent":
      return { type: "consent", channel: "sms", purpose: "marketing", granted: true };
  }
}
