import type { SegmentRule } from "@siyu/contracts";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addChild,
  asRootGroup,
  countConditions,
  getNode,
  parentPath,
  removeNode,
  replaceNode,
  setGroupType,
  toggleNot,
} from "./rule-tree";

const city: SegmentRule = { type: "trait", trait: "city", op: "eq", value: "Shanghai" };
const buyer: SegmentRule = { type: "trait", trait: "order_count", op: "gte", value: 1 };
const viewer: SegmentRule = {
  type: "event",
  event: "Product Viewed",
  measure: { kind: "count" },
  op: "gte",
  value: 2,
  window: { kind: "in_last_days", days: 30 },
};
const tree: SegmentRule = {
  type: "and",
  rules: [city, { type: "or", rules: [buyer, { type: "not", rule: viewer }] }],
};

describe("getNode", () => {
  it("follows group indexes and NOT's inner rule", () => {
    expect(getNode(tree, [])).toBe(tree);
    expect(getNode(tree, ["rules", 0])).toBe(city);
    expect(getNode(tree, ["rules", 1, "rules", 0])).toBe(buyer);
    expect(getNode(tree, ["rules", 1, "rules", 1, "rule"])).toBe(viewer);
  });
  it("answers undefined for paths that lead nowhere", () => {
    expect(getNode(tree, ["rules", 5])).toBeUndefined();
    expect(getNode(tree, ["rules", 0, "rule"])).toBeUndefined();
    expect(getNode(tree, ["rule"])).toBeUndefined();
  });
});

describe("editing", () => {
  it("replaces one node and shares the untouched branches", () => {
    const next = replaceNode(tree, ["rules", 1, "rules", 0], { ...buyer, value: 2 } as SegmentRule);
    expect(getNode(next, ["rules", 1, "rules", 0])).toEqual({ ...buyer, value: 2 });
    expect(getNode(next, ["rules", 0])).toBe(city);
    expect(getNode(tree, ["rules", 1, "rules", 0])).toBe(buyer);
  });

  it("adds a condition to a nested group and removes it again", () => {
    const added = addChild(tree, ["rules", 1], city);
    expect(countConditions(added)).toBe(4);
    expect(getNode(added, ["rules", 1, "rules", 2])).toBe(city);
    expect(removeNode(added, ["rules", 1, "rules", 2])).toEqual(tree);
  });

  it("removing the inner rule of a NOT removes the NOT", () => {
    const next = removeNode(tree, ["rules", 1, "rules", 1, "rule"]);
    expect(getNode(next, ["rules", 1])).toEqual({ type: "or", rules: [buyer] });
  });

  it("refuses to remove the root or to add to a leaf", () => {
    expect(() => removeNode(tree, [])).toThrow();
    expect(() => addChild(tree, ["rules", 0], buyer)).toThrow();
  });

  it("switches AND and OR keeping the children", () => {
    const next = setGroupType(tree, ["rules", 1], "and");
    expect(getNode(next, ["rules", 1])).toEqual({ type: "and", rules: [buyer, { type: "not", rule: viewer }] });
  });

  it("wraps a node in NOT and unwraps it from either path", () => {
    const negated = toggleNot(tree, ["rules", 0]);
    expect(getNode(negated, ["rules", 0])).toEqual({ type: "not", rule: city });
    expect(toggleNot(negated, ["rules", 0, "rule"])).toEqual(tree);
    expect(toggleNot(negated, ["rules", 0])).toEqual(tree);
  });

  it("knows each node's parent", () => {
    expect(parentPath(["rules", 1, "rules", 0])).toEqual(["rules", 1]);
    expect(parentPath(["rules", 1, "rules", 1, "rule"])).toEqual(["rules", 1, "rules", 1]);
  });

  it("wraps a single saved condition in a group for the editor", () => {
    expect(asRootGroup(city)).toEqual({ type: "and", rules: [city] });
    expect(asRootGroup(tree)).toBe(tree);
    expect(asRootGroup(undefined)).toEqual({ type: "and", rules: [] });
  });
});

// Random trees of groups, NOTs and leaves, with every node path in them.
const leaf = fc.constantFrom(city, buyer, viewer);
const { rule: arbitraryRule } = fc.letrec<{ rule: SegmentRule }>((tie) => ({
  rule: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.record({ type: fc.constantFrom("and" as const, "or" as const), rules: fc.array(tie("rule"), { maxLength: 3 }) }),
    // The editor never builds NOT(NOT(x)): negating a negated node removes its NOT.
    fc.record({ type: fc.constant("not" as const), rule: tie("rule").filter((r) => r.type !== "not") }),
  ),
}));
const rootGroup = fc.record({ type: fc.constantFrom("and" as const, "or" as const), rules: fc.array(arbitraryRule, { maxLength: 4 }) });

function allPaths(rule: SegmentRule, at: Array<string | number> = []): Array<Array<string | number>> {
  if (rule.type === "and" || rule.type === "or") return [at, ...rule.rules.flatMap((child, i) => allPaths(child, [...at, "rules", i]))];
  if (rule.type === "not") return [at, ...allPaths(rule.rule, [...at, "rule"])];
  return [at];
}

describe("properties", () => {
  it("adding a condition to any group then removing it gives back the same tree", () => {
    fc.assert(
      fc.property(rootGroup, fc.nat(), (root, pick) => {
        const groups = allPaths(root).filter((p) => {
          const node = getNode(root, p);
          return node?.type === "and" || node?.type === "or";
        });
        const groupPath = groups[pick % groups.length]!;
        const group = getNode(root, groupPath) as Extract<SegmentRule, { rules: unknown }>;
        const added = addChild(root, groupPath, city);
        expect(countConditions(added)).toBe(countConditions(root) + 1);
        expect(removeNode(added, [...groupPath, "rules", group.rules.length])).toEqual(root);
      }),
    );
  });

  it("every node path reads back the node it was built from, and NOT twice is the identity", () => {
    fc.assert(
      fc.property(rootGroup, (root) => {
        for (const path of allPaths(root)) {
          const node = getNode(root, path)!;
          expect(node).toBeDefined();
          expect(getNode(replaceNode(root, path, node), path)).toBe(node);
          if (path.length === 0) continue;
          if (node.type === "not") continue;
          if (path[path.length - 1] === "rule") expect(toggleNot(toggleNot(root, path), path.slice(0, -1))).toEqual(root);
          else expect(toggleNot(toggleNot(root, path), [...path, "rule"])).toEqual(root);
        }
      }),
    );
  });

  it("removing any non-root node lowers the condition count by the conditions under it (or its NOT's)", () => {
    fc.assert(
      fc.property(rootGroup, fc.nat(), (root, pick) => {
        const paths = allPaths(root).filter((p) => p.length > 0);
        fc.pre(paths.length > 0);
        const path = paths[pick % paths.length]!;
        // Removing a NOT's inner rule removes the NOT: count what is under the outermost NOT.
        let removed = path;
        while (removed[removed.length - 1] === "rule") removed = removed.slice(0, -1);
        const under = countConditions(getNode(root, removed)!);
        expect(countConditions(removeNode(root, path))).toBe(countConditions(root) - under);
      }),
    );
  });
});
