import type { SegmentRule } from "@siyu/contracts";

/**
 * Editing the segment rule tree as pure functions over immutable values: the builder keeps one
 * tree in state and replaces it on every click. Paths are the server's own (`["rules", 1, "rule"]`),
 * so a problem the API reports at `["rules", 1, "op"]` lands on the node that shows it.
 */
export type RulePath = ReadonlyArray<string | number>;
export type GroupRule = Extract<SegmentRule, { type: "and" | "or" }>;
export type LeafRule = Exclude<SegmentRule, { type: "and" | "or" | "not" }>;
export type LeafKind = LeafRule["type"];

export function isGroup(rule: SegmentRule): rule is GroupRule {
  return rule.type === "and" || rule.type === "or";
}

export function pathKey(path: RulePath): string {
  return path.join(".");
}

/** The node a path leads to, or undefined when it leads nowhere in this tree. */
export function getNode(root: SegmentRule, path: RulePath): SegmentRule | undefined {
  let node: SegmentRule | undefined = root;
  for (let i = 0; i < path.length && node; i += 1) {
    const segment = path[i]!;
    if (isGroup(node) && segment === "rules") {
      const index = path[i + 1];
      if (typeof index !== "number") return undefined;
      node = node.rules[index];
      i += 1;
    } else if (node.type === "not" && segment === "rule") {
      node = node.rule;
    } else {
      return undefined;
    }
  }
  return node;
}

/** The tree with the node at `path` replaced (by a value or by a function of the old node). */
export function replaceNode(
  root: SegmentRule,
  path: RulePath,
  next: SegmentRule | ((old: SegmentRule) => SegmentRule),
): SegmentRule {
  if (path.length === 0) return typeof next === "function" ? next(root) : next;
  const [head, ...rest] = path;
  if (isGroup(root) && head === "rules") {
    const [index, ...tail] = rest;
    if (typeof index !== "number" || !root.rules[index]) throw new Error(`no node at ${pathKey(path)}`);
    const rules = root.rules.slice();
    rules[index] = replaceNode(rules[index]!, tail, next);
    return { ...root, rules };
  }
  if (root.type === "not" && head === "rule") return { ...root, rule: replaceNode(root.rule, rest, next) };
  throw new Error(`no node at ${pathKey(path)}`);
}

/** The path of the node holding the one at `path` ([] for the root's children). */
export function parentPath(path: RulePath): RulePath {
  if (path.length === 0) return path;
  return path[path.length - 1] === "rule" ? path.slice(0, -1) : path.slice(0, -2);
}

/**
 * The tree without the node at `path`. Removing the only child of a NOT removes the NOT too
 * (a "not nothing" means nothing). The root itself cannot be removed.
 */
export function removeNode(root: SegmentRule, path: RulePath): SegmentRule {
  if (path.length === 0) throw new Error("the root group cannot be removed");
  if (path[path.length - 1] === "rule") return removeNode(root, path.slice(0, -1));
  const index = path[path.length - 1];
  if (typeof index !== "number") throw new Error(`no node at ${pathKey(path)}`);
  return replaceNode(root, path.slice(0, -2), (group) => {
    if (!isGroup(group)) throw new Error(`no group at ${pathKey(path.slice(0, -2))}`);
    return { ...group, rules: group.rules.filter((_, i) => i !== index) };
  });
}

/** Appends a node to the group at `groupPath`. */
export function addChild(root: SegmentRule, groupPath: RulePath, child: SegmentRule): SegmentRule {
  return replaceNode(root, groupPath, (group) => {
    if (!isGroup(group)) throw new Error(`no group at ${pathKey(groupPath)}`);
    return { ...group, rules: [...group.rules, child] };
  });
}

/** AND ↔ OR, keeping the children. */
export function setGroupType(root: SegmentRule, groupPath: RulePath, type: "and" | "or"): SegmentRule {
  return replaceNode(root, groupPath, (group) => {
    if (!isGroup(group)) throw new Error(`no group at ${pathKey(groupPath)}`);
    return { type, rules: group.rules };
  });
}

/**
 * Wraps the node in NOT, or unwraps it when it is already negated. `path` names the node as the
 * editor shows it: the inner node of a NOT (…"rule") or any other node.
 */
export function toggleNot(root: SegmentRule, path: RulePath): SegmentRule {
  if (path[path.length - 1] === "rule") {
    const notPath = path.slice(0, -1);
    return replaceNode(root, notPath, (not) => (not.type === "not" ? not.rule : not));
  }
  return replaceNode(root, path, (node) => (node.type === "not" ? node.rule : { type: "not", rule: node }));
}

/** The builder always edits a group at the top; a saved rule that is a single condition is wrapped. */
export function asRootGroup(rule: SegmentRule | undefined): GroupRule {
  if (!rule) return { type: "and", rules: [] };
  return isGroup(rule) ? rule : { type: "and", rules: [rule] };
}

/** How many leaf conditions the tree holds. */
export function countConditions(rule: SegmentRule): number {
  if (isGroup(rule)) return rule.rules.reduce((sum, child) => sum + countConditions(child), 0);
  if (rule.type === "not") return countConditions(rule.rule);
  return 1;
}
