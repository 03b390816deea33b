import {
  InvalidRuleDetailsDto,
  SegmentRule as SegmentRuleSchema,
  type EventWindow,
  type PropertyFilter,
  type RuleValue,
  type SegmentRule,
} from "@siyu/contracts";
import { isApiError, readValidationIssues } from "../../../lib/api";
import { isGroup, pathKey, type RulePath } from "./rule-tree";

/** A problem the builder shows at a node: a message key of ours, or text the server wrote. */
export type RuleProblem = { path: RulePath; message: string; local?: boolean };
export type LocalProblemKey =
  | "segments.problem.emptyGroup"
  | "segments.problem.pickTrait"
  | "segments.problem.pickEvent"
  | "segments.problem.enterValue"
  | "segments.problem.enterRange"
  | "segments.problem.positiveDays"
  | "segments.problem.pickDates"
  | "segments.problem.pickProperty"
  | "segments.problem.pickOne"
  | "segments.problem.enterId";

type Found = { path: RulePath; key: LocalProblemKey };

function valueMissing(value: RuleValue | undefined, op: string): LocalProblemKey | null {
  if (op === "exists" || op === "not_exists") return null;
  if (value === undefined || value === "") return "segments.problem.enterValue";
  if (Array.isArray(value)) {
    if (value.length === 0) return "segments.problem.enterValue";
    if (op === "between" && (value.length !== 2 || value.some((v) => v === "" || v === undefined))) return "segments.problem.enterRange";
  }
  if (op.endsWith("_days")) {
    // "Anniversary in the next 0 days" is today; the other windows need at least a day.
    const min = op === "anniversary_in_next_days" ? 0 : 1;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min) return "segments.problem.positiveDays";
  }
  return null;
}

function windowProblem(window: EventWindow): LocalProblemKey | null {
  if (window.kind === "in_last_days" || window.kind === "before_last_days") {
    return Number.isInteger(window.days) && window.days > 0 ? null : "segments.problem.positiveDays";
  }
  if (window.kind === "between") return window.from && window.to ? null : "segments.problem.pickDates";
  return null;
}

function filterProblems(where: readonly PropertyFilter[] | undefined, at: RulePath, out: Found[]): void {
  (where ?? []).forEach((filter, i) => {
    if (!filter.property) out.push({ path: [...at, "where", i, "property"], key: "segments.problem.pickProperty" });
    const missing = valueMissing(filter.value, filter.op);
    if (missing) out.push({ path: [...at, "where", i, "value"], key: missing });
  });
}

/**
 * What keeps the tree from being sent yet: blanks the operator still has to fill. These are
 * shown as hints at their node, and the live count waits until there are none.
 */
export function findDraftProblems(root: SegmentRule): Found[] {
  const out: Found[] = [];
  const visit = (node: SegmentRule, at: RulePath): void => {
    switch (node.type) {
      case "and":
      case "or":
        if (node.rules.length === 0 && at.length > 0) out.push({ path: at, key: "segments.problem.emptyGroup" });
        node.rules.forEach((child, i) => visit(child, [...at, "rules", i]));
        return;
      case "not":
        visit(node.rule, [...at, "rule"]);
        return;
      case "trait": {
        if (!node.trait) out.push({ path: [...at, "trait"], key: "segments.problem.pickTrait" });
        const missing = valueMissing(node.value, node.op);
        if (missing) out.push({ path: [...at, "value"], key: missing });
        return;
      }
      case "event": {
        if (!node.event) out.push({ path: [...at, "event"], key: "segments.problem.pickEvent" });
        if (node.measure.kind !== "count" && !node.measure.property) out.push({ path: [...at, "measure"], key: "segments.problem.pickProperty" });
        const missing = valueMissing(node.value, node.op);
        if (missing) out.push({ path: [...at, "value"], key: missing });
        const win = windowProblem(node.window);
        if (win) out.push({ path: [...at, "window"], key: win });
        filterProblems(node.where, at, out);
        return;
      }
      case "occurrence": {
        if (!node.event) out.push({ path: [...at, "event"], key: "segments.problem.pickEvent" });
        const win = windowProblem(node.window);
        if (win) out.push({ path: [...at, "window"], key: win });
        filterProblems(node.where, at, out);
        return;
      }
      case "tag":
        if (!node.tagId) out.push({ path: [...at, "tagId"], key: "segments.problem.enterId" });
        return;
      case "segment":
        if (!node.segmentId) out.push({ path: [...at, "segmentId"], key: "segments.problem.enterId" });
        return;
      case "rfm":
        if ((node.cells?.length ?? 0) + (node.layers?.length ?? 0) === 0) out.push({ path: at, key: "segments.problem.pickOne" });
        return;
      case "lifecycle":
        if (node.stages.length === 0) out.push({ path: [...at, "stages"], key: "segments.problem.pickOne" });
        return;
      case "value_tier":
        if (node.tiers.length === 0) out.push({ path: [...at, "tiers"], key: "segments.problem.pickOne" });
        return;
      case "store":
        if (node.storeIds.length === 0) out.push({ path: [...at, "storeIds"], key: "segments.problem.pickOne" });
        return;
      case "clv": {
        const missing = valueMissing(node.value, node.op);
        if (missing) out.push({ path: [...at, "value"], key: missing });
        return;
      }
      case "consent":
        if (!node.channel) out.push({ path: [...at, "channel"], key: "segments.problem.enterValue" });
        return;
    }
  };
  visit(root, []);
  return out;
}

/** True when the tree can be sent: nothing left blank, and the contract's shape holds. */
export function isSendable(root: SegmentRule): boolean {
  return findDraftProblems(root).length === 0 && SegmentRuleSchema.safeParse(root).success;
}

/** The server reports rule paths from the rule's root; a request-level validation error prefixes "rule". */
export function normalizeProblemPath(path: ReadonlyArray<string | number> | string, root: SegmentRule): RulePath {
  const segments: Array<string | number> =
    typeof path === "string"
      ? path
          .replace(/\[(\d+)\]/g, ".$1")
          .split(/[./]/)
          .filter((s) => s.length > 0)
          .map((s) => (/^\d+$/.test(s) ? Number(s) : s))
      : [...path];
  if (segments[0] === "body") segments.shift();
  // The builder's root is always a group, so a leading "rule" is the request body's field name.
  if (segments[0] === "rule" && isGroup(root)) segments.shift();
  return segments;
}

/** The deepest node of the tree on the way along `path`: where a problem at `path` is shown. */
export function nodePathFor(root: SegmentRule, path: RulePath): RulePath {
  let node: SegmentRule = root;
  let at: RulePath = [];
  for (let i = 0; i < path.length; ) {
    const segment = path[i];
    const next = path[i + 1];
    if (isGroup(node) && segment === "rules" && typeof next === "number" && node.rules[next]) {
      node = node.rules[next]!;
      at = [...at, "rules", next];
      i += 2;
    } else if (node.type === "not" && segment === "rule") {
      node = node.rule;
      at = [...at, "rule"];
      i += 1;
    } else {
      break;
    }
  }
  return at;
}

/** Problems grouped by the node that shows them (keyed by `pathKey` of the node's path). */
export function problemsByNode(
  root: SegmentRule,
  problems: ReadonlyArray<{ path: ReadonlyArray<string | number> | string; message: string }>,
): Map<string, string[]> {
  const byNode = new Map<string, string[]>();
  for (const problem of problems) {
    const key = pathKey(nodePathFor(root, normalizeProblemPath(problem.path, root)));
    byNode.set(key, [...(byNode.get(key) ?? []), problem.message]);
  }
  return byNode;
}

export type ServerProblem = { path: ReadonlyArray<string | number> | string; message: string };

/**
 * Where in the rule the server says it is wrong: a `segments.invalid_rule` answer, or a request
 * validation naming `rule…`. Null for any other error (shown as a message instead).
 */
export function readRuleProblems(error: unknown): ServerProblem[] | null {
  if (!isApiError(error)) return null;
  if (error.code === "segments.invalid_rule") {
    const parsed = InvalidRuleDetailsDto.safeParse(error.details);
    return parsed.success ? parsed.data.problems : [{ path: [], message: error.message }];
  }
  const issues = readValidationIssues(error).filter((issue) => /^(body[./])?rule\b/.test(issue.path));
  return issues.length > 0 ? issues : null;
}
