import { nodeHandles, type GraphProblemDto, type JourneyGraph, type JourneyNode } from "@siyu/contracts";


/** The edge leaving `nodeId` by `handle` (graphs that passed validation have exactly one). */
export function edgeTarget(graph: JourneyGraph, nodeId: string, handle: string): string | null {
  return graph.edges.find((e) => e.from === nodeId && e.handle === handle)?.to ?? null;
}

/**
 * The structural problems of a graph, each naming its node: one trigger, known nodes and handles,
 * every handle wired once, split percents summing to 100, every node reachable from the trigger,
 * no cycle that a customer could go round without passing a wait. Pure; references (templates,
 * channels, segments …) are checked by the service.
 */
export function structuralProblems(graph: JourneyGraph): GraphProblemDto[] {
  const problems: GraphProblemDto[] = [];
  const byId = new Map<string, JourneyNode>();
  for (const n of graph.nodes) {
    if (byId.has(n.id)) problems.push({ nodeId: n.id, code: "invalid", message: `Two nodes have the id ${n.id}.` });
    byId.set(n.id, n);
  }
  const triggers = graph.nodes.filter((n) => n.type === "trigger");
  if (triggers.length === 0) problems.push({ nodeId: null, code: "no_trigger", message: "The journey needs a trigger." });
  for (const extra of triggers.slice(1)) problems.push({ nodeId: extra.id, code: "many_triggers", message: "A journey has one trigger; remove this one." });

  const seenHandles = new Map<string, number>();
  for (const e of graph.edges) {
    const from = byId.get(e.from);
    if (!from) {
      problems.push({ nodeId: e.from, code: "unknown_node", message: `An edge leaves ${e.from}, which is not a node.` });
      continue;
    }
    if (!byId.has(e.to)) {
      problems.push({ nodeId: e.from, code: "unknown_node", message: `The "${e.handle}" edge of ${e.from} leads to ${e.to}, which is not a node.` });
      continue;
    }
    if (!nodeHandles(from).includes(e.handle)) {
      problems.push({ nodeId: e.from, code: "unknown_handle", message: `A ${from.type} node has no "${e.handle}" exit.` });
      continue;
    }
    if (byId.get(e.to)!.type === "trigger") problems.push({ nodeId: e.from, code: "invalid", message: "No edge may lead back to the trigger." });
    const key = `${e.from}\u0000${e.handle}`;
    seenHandles.set(key, (seenHandles.get(key) ?? 0) + 1);
  }
  for (const n of graph.nodes) {
    for (const h of nodeHandles(n)) {
      const count = seenHandles.get(`${n.id}\u0000${h}`) ?? 0;
      if (count === 0) problems.push({ nodeId: n.id, code: "dangling_handle", message: `The "${h}" exit leads nowhere; connect it (end paths with an exit node).` });
      if (count > 1) problems.push({ nodeId: n.id, code: "invalid", message: `The "${h}" exit has ${count} edges; it may have one.` });
    }
    if (n.type === "split") {
      const total = n.branches.reduce((s, b) => s + b.percent, 0);
      if (Math.abs(total - 100) > 1e-6) problems.push({ nodeId: n.id, code: "split_percent", message: `The branches add up to ${total}%, not 100%.` });
      if (new Set(n.branches.map((b) => b.key)).size !== n.branches.length) problems.push({ nodeId: n.id, code: "invalid", message: "Two branches have the same key." });
    }
  }

  const next = successors(graph, byId);
  const trigger = triggers[0];
  if (trigger) {
    const reached = reachableFrom(trigger.id, next);
    for (const n of graph.nodes) if (!reached.has(n.id)) problems.push({ nodeId: n.id, code: "unreachable", message: "No path from the trigger reaches this node." });
    const cycleAt = cycleWithoutWait(graph, next, reached, byId);
    if (cycleAt) problems.push({ nodeId: cycleAt, code: "cycle_without_wait", message: "A loop through this node has no wait: a customer would go round it at once, forever." });
  }
  return problems;
}

function successors(graph: JourneyGraph, byId: Map<string, JourneyNode>): Map<string, string[]> {
  const next = new Map<string, string[]>();
  for (const e of graph.edges) {
    const from = byId.get(e.from);
    if (!from || !byId.has(e.to) || !nodeHandles(from).includes(e.handle)) continue;
    next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  }
  return next;
}

export function reachableFrom(start: string, next: Map<string, string[]>): Set<string> {
  const seen = new Set([start]);
  for (const stack = [start]; stack.length; ) {
    for (const to of next.get(stack.pop()!) ?? []) {
      if (seen.has(to)) continue;
      seen.add(to);
      stack.push(to);
    }
  }
  return seen;
}

/** A node on a reachable cycle made only of non-wait nodes (edges leaving a wait take time), or null. */
function cycleWithoutWait(graph: JourneyGraph, next: Map<string, string[]>, reached: Set<string>, byId: Map<string, JourneyNode>): string | null {
  const state = new Map<string, 1 | 2>();
  const instant = (id: string) => reached.has(id) && byId.get(id)?.type !== "wait";
  for (const n of graph.nodes) {
    if (!instant(n.id) || state.has(n.id)) continue;
    // Iterative DFS: 1 = on the stack, 2 = done.
    const stack: { id: string; i: number }[] = [{ id: n.id, i: 0 }];
    state.set(n.id, 1);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const outs = (next.get(top.id) ?? []).filter(instant);
      if (top.i >= outs.length) {
        state.set(top.id, 2);
        stack.pop();
        continue;
      }
      const to = outs[top.i++]!;
      const s = state.get(to);
      if (s === 1) return to;
      if (s === undefined) {
        state.set(to, 1);
        stack.push({ id: to, i: 0 });
      }
    }
  }
  return null;
}

/**
 * Nodes that every path from the trigger reaches only after passing an issue_coupon action (so
 * `coupon.*` has a value there): the greatest fixpoint of "all predecessors have a coupon after them".
 */
export function couponOnEveryPath(graph: JourneyGraph): Set<string> {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const preds = new Map<string, string[]>();
  for (const e of graph.edges) if (byId.has(e.from) && byId.has(e.to)) preds.set(e.to, [...(preds.get(e.to) ?? []), e.from]);
  const issues = (id: string) => {
    const n = byId.get(id);
    return n?.type === "action" && n.action.kind === "issue_coupon";
  };
  const before = new Map(graph.nodes.map((n) => [n.id, n.type !== "trigger"]));
  for (let changed = true; changed; ) {
    changed = false;
    for (const n of graph.nodes) {
      if (n.type === "trigger") continue;
      const value = (preds.get(n.id) ?? []).length > 0 && (preds.get(n.id) ?? []).every((p) => issues(p) || before.get(p) === true);
      if (value !== before.get(n.id)) {
        before.set(n.id, value);
        changed = true;
      }
    }
  }
  return new Set([...before].filter(([, v]) => v).map(([k]) => k));
}
