import type { EventWindow, PropertyFilter, RuleProblemDto, SegmentRule, TraitOp, TraitType } from "@siyu/contracts";
import { isSafeKey, parseIsoDate, type TraitCatalogue } from "./trait-catalogue";

export type RulePath = (string | number)[];
export type RuleProblem = RuleProblemDto;

/** Which operators fit a trait of each type (contracts/segments.ts TRAIT_OPS). */
export const OPS_BY_TYPE: Record<TraitType, readonly TraitOp[]> = {
  string: ["eq", "neq", "in", "not_in", "contains", "starts_with", "exists", "not_exists"],
  number: ["eq", "neq", "gt", "gte", "lt", "lte", "between", "exists", "not_exists"],
  boolean: ["eq", "exists", "not_exists"],
  date: ["before", "after", "between", "in_last_days", "not_in_last_days", "anniversary_in_next_days", "exists", "not_exists"],
};

/** Property filters compare with the type of their value; dates are not supported there. */
export const PROPERTY_OPS_BY_TYPE: Record<"string" | "number" | "boolean", readonly TraitOp[]> = {
  string: ["eq", "neq", "in", "not_in", "contains", "starts_with"],
  number: ["eq", "neq", "in", "not_in", "gt", "gte", "lt", "lte", "between"],
  boolean: ["eq", "neq"],
};

export interface RuleLimits {
  /** Deepest nesting, counting referenced segments' trees. */
  maxDepth: number;
  /** Most nodes, counting referenced segments' trees. */
  maxNodes: number;
}
export const DEFAULT_RULE_LIMITS: RuleLimits = { maxDepth: 20, maxNodes: 1000 };
/** The longest window or anniversary look-ahead, in days. */
const MAX_DAYS = 36_500;

export interface ValidateRuleInput {
  workspaceId: string;
  traits: TraitCatalogue;
  /** The workspace's saved segments (their current rules), for references. */
  segments: ReadonlyMap<string, { name: string; rule: SegmentRule }>;
  /** The segment being edited: referencing it (directly or through others) is a cycle. */
  selfId?: string;
  /** Which of these tag ids exist in the workspace; tags are not checked without it. */
  knownTagIds?: (workspaceId: string, ids: string[]) => Promise<Set<string>>;
  limits?: RuleLimits;
}

/** Every problem of a (shape-valid) rule tree, each with its path from the root. Empty when the rule is good. */
export async function validateRule(rule: SegmentRule, input: ValidateRuleInput): Promise<RuleProblem[]> {
  const problems: RuleProblem[] = [];
  const tags: { tagId: string; path: RulePath }[] = [];
  const limits = input.limits ?? DEFAULT_RULE_LIMITS;
  const add = (path: RulePath, message: string) => problems.push({ path, message });

  let nodes = 0;
  let tooBig = false;
  // Inside a referenced segment, problems are reported at the reference in the tree being checked.
  const walk = (node: SegmentRule, path: RulePath, depth: number, via: readonly string[]) => {
    nodes++;
    if (!tooBig && (depth > limits.maxDepth || nodes > limits.maxNodes)) {
      tooBig = true;
      add(path, depth > limits.maxDepth ? `nests deeper than ${limits.maxDepth} levels (counting referenced segments)` : `has more than ${limits.maxNodes} conditions (counting referenced segments)`);
    }
    if (tooBig) return;
    const inRef = via.length > 0;
    switch (node.type) {
      case "and":
      case "or":
        node.rules.forEach((child, i) => walk(child, inRef ? path : [...path, "rules", i], depth + 1, via));
        return;
      case "not":
        walk(node.rule, inRef ? path : [...path, "rule"], depth + 1, via);
        return;
      case "trait":
        if (!inRef) checkTrait(node, path, input.traits, add);
        return;
      case "event":
        if (inRef) return;
        checkFilters(node.where, path, add);
        if (node.measure.kind !== "count" && !isSafeKey(node.measure.property)) add([...path, "measure", "property"], PROPERTY_NAME);
        checkWindow(node.window, [...path, "window"], add);
        checkThreshold(node.op, node.value, [...path, "value"], add);
        return;
      case "occurrence":
        if (inRef) return;
        checkFilters(node.where, path, add);
        checkWindow(node.window, [...path, "window"], add);
        return;
      case "clv":
        if (!inRef) checkThreshold(node.op, node.value, [...path, "value"], add);
        return;
      case "rfm":
        if (!inRef && !node.cells?.length && !node.layers?.length) add(path, "needs at least one RFM cell or layer");
        return;
      case "tag":
        if (!inRef) tags.push({ tagId: node.tagId, path: [...path, "tagId"] });
        return;
      case "segment": {
        const where = inRef ? path : [...path, "segmentId"];
        if (node.segmentId === input.selfId || via.includes(node.segmentId)) {
          add(where, "makes a cycle: a segment cannot contain itself, directly or through other segments");
          return;
        }
        const target = input.segments.get(node.segmentId);
        if (!target) {
          if (!inRef) add(where, "is not a segment of this workspace");
          return;
        }
        // The referenced tree counts towards the limits and must not lead back here.
        walk(target.rule, where, depth + 1, [...via, node.segmentId]);
        return;
      }
      case "lifecycle":
      case "value_tier":
      case "store":
      case "consent":
        return;
    }
  };
  walk(rule, [], 0, []);

  if (tags.length && input.knownTagIds) {
    const known = await input.knownTagIds(input.workspaceId, [...new Set(tags.map((t) => t.tagId))]);
    for (const t of tags) if (!known.has(t.tagId)) add(t.path, "is not a tag of this workspace");
  }
  return problems;
}

type Add = (path: RulePath, message: string) => void;
const PROPERTY_NAME = "must be a property name of up to 100 characters without quotes, backslashes or control characters";

function checkTrait(node: Extract<SegmentRule, { type: "trait" }>, path: RulePath, traits: TraitCatalogue, add: Add) {
  const trait = traits.byKey.get(node.trait);
  if (!trait) return add([...path, "trait"], `is not a known trait: "${node.trait}"`);
  if (!OPS_BY_TYPE[trait.type].includes(node.op)) {
    return add([...path, "op"], `"${node.op}" does not fit the ${trait.type} trait "${trait.key}"; use one of ${OPS_BY_TYPE[trait.type].join(", ")}`);
  }
  checkOperand(trait.type, node.op, node.value, [...path, "value"], add);
}

/** The value's shape for the operator: none, one scalar of the type, a non-empty list, or a pair. */
function checkOperand(type: TraitType, op: TraitOp, value: unknown, path: RulePath, add: Add) {
  const scalarOk = (v: unknown) => {
    if (type === "date") return parseIsoDate(v) !== null;
    return typeof v === type;
  };
  const what = type === "date" ? "an ISO date such as 2026-01-31" : `a ${type}`;
  if (op === "exists" || op === "not_exists") {
    if (value !== undefined) add(path, `must be left out for ${op}`);
    return;
  }
  if (op === "in_last_days" || op === "not_in_last_days" || op === "anniversary_in_next_days") {
    const min = op === "anniversary_in_next_days" ? 0 : 1;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > MAX_DAYS) {
      add(path, `must be a whole number of days, ${min} or more`);
    }
    return;
  }
  if (op === "in" || op === "not_in") {
    if (!Array.isArray(value) || value.length === 0) return add(path, `must be a non-empty list for ${op}`);
    value.forEach((v, i) => {
      if (!scalarOk(v)) add([...path, i], `must be ${what}`);
    });
    return;
  }
  if (op === "between") {
    if (!Array.isArray(value) || value.length !== 2) return add(path, "must be a [low, high] pair for between");
    const [lo, hi] = value;
    if (!scalarOk(lo)) add([...path, 0], `must be ${what}`);
    if (!scalarOk(hi)) add([...path, 1], `must be ${what}`);
    if (scalarOk(lo) && scalarOk(hi)) {
      const a = type === "date" ? parseIsoDate(lo)! : (lo as number);
      const b = type === "date" ? parseIsoDate(hi)! : (hi as number);
      if (a > b) add(path, "low must not be above high");
    }
    return;
  }
  if (Array.isArray(value) || value === undefined || !scalarOk(value)) add(path, `must be ${what}`);
}

function checkThreshold(op: string, value: number | [number, number], path: RulePath, add: Add) {
  if (op === "between") {
    if (!Array.isArray(value)) return add(path, "must be a [low, high] pair for between");
    if (value[0] > value[1]) add(path, "low must not be above high");
  } else if (Array.isArray(value)) {
    add(path, `must be one number for ${op}`);
  }
}

function checkWindow(window: EventWindow, path: RulePath, add: Add) {
  if (window.kind === "in_last_days" || window.kind === "before_last_days") {
    if (!Number.isInteger(window.days) || window.days <= 0 || window.days > MAX_DAYS) add([...path, "days"], "must be a whole number of days, 1 or more");
  } else if (window.kind === "between") {
    if (Date.parse(window.from) >= Date.parse(window.to)) add([...path, "to"], "must be after from");
  }
}

function checkFilters(where: PropertyFilter[] | undefined, path: RulePath, add: Add) {
  where?.forEach((f, i) => {
    const at: RulePath = [...path, "where", i];
    if (!isSafeKey(f.property)) return add([...at, "property"], PROPERTY_NAME);
    if (f.op === "exists" || f.op === "not_exists") {
      if (f.value !== undefined) add([...at, "value"], `must be left out for ${f.op}`);
      return;
    }
    const sample = Array.isArray(f.value) ? f.value[0] : f.value;
    const type = typeof sample;
    if (type !== "string" && type !== "number" && type !== "boolean") {
      return add([...at, "value"], "must be a string, number or boolean (or a list / pair of them)");
    }
    const ops = PROPERTY_OPS_BY_TYPE[type];
    if (!ops.includes(f.op)) return add([...at, "op"], `"${f.op}" does not fit a ${type} property value; use one of ${ops.join(", ")}, exists, not_exists`);
    if (f.op === "in" || f.op === "not_in" || f.op === "between") {
      if (!Array.isArray(f.value) || f.value.length === 0 || (f.op === "between" && f.value.length !== 2)) {
        return add([...at, "value"], f.op === "between" ? "must be a [low, high] pair for between" : `must be a non-empty list for ${f.op}`);
      }
      f.value.forEach((v, j) => {
        if (typeof v !== type) add([...at, "value", j], `must be a ${type} like the first value`);
      });
    } else if (Array.isArray(f.value)) {
      add([...at, "value"], `must be one value for ${f.op}`);
    }
  });
}

/** Every segment a rule references, directly. */
export function referencedSegments(rule: SegmentRule): string[] {
  const out = new Set<string>();
  const walk = (n: SegmentRule) => {
    if (n.type === "and" || n.type === "or") n.rules.forEach(walk);
    else if (n.type === "not") walk(n.rule);
    else if (n.type === "segment") out.add(n.segmentId);
  };
  walk(rule);
  return [...out];
}
