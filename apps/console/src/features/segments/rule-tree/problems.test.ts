import type { SegmentRule } from "@siyu/contracts";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../../lib/api";
import { findDraftProblems, isSendable, nodePathFor, normalizeProblemPath, problemsByNode, readRuleProblems } from "./problems";

const tree: SegmentRule = {
  type: "and",
  rules: [
    { type: "trait", trait: "city", op: "eq", value: "Shanghai" },
    {
      type: "or",
      rules: [
        { type: "trait", trait: "order_count", op: "gte", value: 1 },
        { type: "not", rule: { type: "tag", tagId: "0190a0a0-0000-7000-8000-000000000001" } },
      ],
    },
  ],
};

describe("where a server problem is shown", () => {
  it("at the deepest node its path reaches", () => {
    expect(nodePathFor(tree, ["rules", 1, "rules", 0, "op"])).toEqual(["rules", 1, "rules", 0]);
    expect(nodePathFor(tree, ["rules", 1, "rules", 1, "rule", "tagId"])).toEqual(["rules", 1, "rules", 1, "rule"]);
    expect(nodePathFor(tree, ["rules", 0, "value"])).toEqual(["rules", 0]);
    expect(nodePathFor(tree, ["rules", 9, "op"])).toEqual([]);
    expect(nodePathFor(tree, [])).toEqual([]);
  });

  it("understands body-level and dotted paths", () => {
    expect(normalizeProblemPath(["rule", "rules", 1], tree)).toEqual(["rules", 1]);
    expect(normalizeProblemPath("body.rule.rules.0.value", tree)).toEqual(["rules", 0, "value"]);
    expect(normalizeProblemPath("rules[1].rules[0]", tree)).toEqual(["rules", 1, "rules", 0]);
  });

  it("groups messages by node", () => {
    const byNode = problemsByNode(tree, [
      { path: ["rules", 0, "trait"], message: "Unknown trait city" },
      { path: ["rules", 0, "op"], message: "Operator does not fit" },
      { path: ["rules", 1, "rules", 1, "rule", "tagId"], message: "No such tag" },
      { path: [], message: "Too deep" },
    ]);
    expect(byNode.get("rules.0")).toEqual(["Unknown trait city", "Operator does not fit"]);
    expect(byNode.get("rules.1.rules.1.rule")).toEqual(["No such tag"]);
    expect(byNode.get("")).toEqual(["Too deep"]);
  });
});

describe("blanks that hold back the live count", () => {
  it("a complete tree is sendable", () => {
    expect(findDraftProblems(tree)).toEqual([]);
    expect(isSendable(tree)).toBe(true);
    expect(isSendable({ type: "and", rules: [] })).toBe(true);
  });

  it("points at each blank", () => {
    const draft: SegmentRule = {
      type: "and",
      rules: [
        { type: "trait", trait: "", op: "eq", value: "" },
        { type: "or", rules: [] },
        {
          type: "event",
          event: "Product Viewed",
          where: [{ property: "", op: "eq", value: "x" }],
          measure: { kind: "sum", property: "" },
          op: "between",
          value: [1, 2],
          window: { kind: "between", from: "", to: "" },
        },
        { type: "trait", trait: "birthday", op: "in_last_days", value: 0 },
        { type: "lifecycle", stages: [] },
        { type: "rfm" },
      ],
    };
    expect(findDraftProblems(draft)).toEqual([
      { path: ["rules", 0, "trait"], key: "segments.problem.pickTrait" },
      { path: ["rules", 0, "value"], key: "segments.problem.enterValue" },
      { path: ["rules", 1], key: "segments.problem.emptyGroup" },
      { path: ["rules", 2, "measure"], key: "segments.problem.pickProperty" },
      { path: ["rules", 2, "window"], key: "segments.problem.pickDates" },
      { path: ["rules", 2, "where", 0, "property"], key: "segments.problem.pickProperty" },
      { path: ["rules", 3, "value"], key: "segments.problem.positiveDays" },
      { path: ["rules", 4, "stages"], key: "segments.problem.pickOne" },
      { path: ["rules", 5], key: "segments.problem.pickOne" },
    ]);
    expect(isSendable(draft)).toBe(false);
  });

  it("exists needs no value; a blank text value does", () => {
    expect(findDraftProblems({ type: "trait", trait: "email", op: "exists" })).toEqual([]);
    expect(findDraftProblems({ type: "trait", trait: "city", op: "in", value: [] })).toHaveLength(1);
  });
});

describe("day counts", () => {
  it("an anniversary may be today (0 days ahead); a window needs a day", () => {
    expect(findDraftProblems({ type: "trait", trait: "birthday", op: "anniversary_in_next_days", value: 0 })).toEqual([]);
    expect(findDraftProblems({ type: "trait", trait: "birthday", op: "not_in_last_days", value: 1.5 })).toHaveLength(1);
  });
});

describe("reading the server's complaints about a rule", () => {
  it("takes the problems of segments.invalid_rule", () => {
    const error = new ApiError(400, "segments.invalid_rule", "The rule is invalid", {
      problems: [{ path: ["rules", 2, "value"], message: "low must not be above high" }],
    });
    expect(readRuleProblems(error)).toEqual([{ path: ["rules", 2, "value"], message: "low must not be above high" }]);
    const byNode = problemsByNode(tree, readRuleProblems(error)!);
    expect([...byNode.keys()]).toEqual([""]);
  });

  it("takes request validation issues under rule, and nothing else", () => {
    const invalid = new ApiError(400, "request.invalid", "Invalid request", [
      { path: "body.rule.rules.0.op", message: "Invalid option" },
      { path: "body.name", message: "Too small" },
    ]);
    expect(readRuleProblems(invalid)).toEqual([{ path: "body.rule.rules.0.op", message: "Invalid option" }]);
    expect(problemsByNode(tree, readRuleProblems(invalid)!).get("rules.0")).toEqual(["Invalid option"]);
    expect(readRuleProblems(new ApiError(500, "internal", "boom"))).toBeNull();
    expect(readRuleProblems(new Error("x"))).toBeNull();
  });
});
