import type { GraphProblemDto, JourneyGraph, JourneyNode } from "@siyu/contracts";

/** The handles a node must (and may only) leave by. */
export function handlesOf(node: JourneyNode): string[] {
  switch (node.type) {
    case "exit":
      return [];
    case "condition":
      return ["yes", "no"];
    case "split":
      return node.branches.map((b) => b.key);
    case "wait":
      return node.wait.kind === "until_event" ? ["event", "timeout"] : ["next"];
    default:
      return ["next"];
  }
}

/**
 * The structural checks of a journey graph (no references are resolved): one trigger, edges between
 * known nodes by the handles their node has, every handle connected once, every node reachable from
 * the trigger, no cycle that does not pass a wait, split percentages summing to 100.
 */
export function checkGraphShape(graph: JourneyGraph): GraphProblemDto[] {
  const problems: GraphProblemDto[] = [];
  const problem = (nodeId: string | null, code: GraphProblemDto["code"], message: string) => problems.push({ nodeId, code, message });
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  if (byId.size !== graph.nodes.length) problem(null, "invalid", "Node ids must be unique");
  const triggers = graph.nodes.filter((n) => n.type === "trigger");
  if (triggers.length === 0) problem(null, "no_trigger", "The journey has no trigger");
  for (const extra of triggers.slice(1)) problem(extra.id, "many_triggers", "A journey has one trigger");
  const out = new Map<string, string[]>();
  const used = new Set<string>();
  for (const e of graph.edges) {
    const from = byId.get(e.from);
    if (!from || !byId.has(e.to)) {
      problem(from ? e.to : e.from, "unknown_node", `Edge ${e.from} → ${e.to} names an unknown node`);
      continue;
    }
    if (!handlesOf(from).includes(e.handle)) problem(e.from, "unknown_handle", `Node ${e.from} has no handle "${e.handle}"`);
    const key = `${e.from}:${e.handle}`;
    if (used.has(key)) problem(e.from, "invalid", `Handle "${e.handle}" of ${e.from} leads to two nodes`);
    used.add(key);
    if (byId.get(e.to)!.type === "trigger") problem(e.to, "invalid", "No edge may lead into the trigger");
    out.set(e.from, [...(out.get(e.from) ?? []), e.to]);
  }
  for (const node of graph.nodes) {
    for (const handle of handlesOf(node)) if (!used.has(`${node.id}:${handle}`)) problem(node.id, "dangling_handle", `Handle "${handle}" of ${node.id} leads nowhere`);
    if (node.type === "split" && Math.abs(node.branches.reduce((s, b) => s + b.percent, 0) - 100) > 1e-9) problem(node.id, "split_percent", "Branch percentages must sum to 100");
  }
  const start = triggers[0];
  if (start) {
    const seen = new Set([start.id]);
    const queue = [start.id];
    while (queue.length) {
      for (const next of out.get(queue.shift()!) ?? []) {
        if (seen.has(next)) continue;
        seen.add(next);
        queue.push(next);
      }
    }
    for (const node of graph.nodes) if (!seen.has(node.id)) problem(node.id, "unreachable", `${node.id} cannot be reached from the trigger`);
  }
  // A cycle is allowed only through a wait: look for cycles among the other nodes.
  const state = new Map<string, "open" | "done">();
  const visit = (id: string): boolean => {
    state.set(id, "open");
    for (const next of out.get(id) ?? []) {
      if (byId.get(next)?.type === "wait") continue;
      const s = state.get(next);
      if (s === "open") {
        problem(next, "cycle_without_wait", `A loop through ${next} passes no wait`);
        return true;
      }
      if (s === undefined && visit(next)) return true;
    }
    state.set(id, "done");
    return false;
  };
  for (const node of graph.nodes) if (node.type !== "wait" && !state.has(node.id)) visit(node.id);
  return problems;
}
