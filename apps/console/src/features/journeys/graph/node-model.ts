import type { JourneyEdge, JourneyGraph, JourneyNode, JourneyNodeType } from "@siyu/contracts";

export const NODE_TYPES: readonly JourneyNodeType[] = ["trigger", "wait", "condition", "split", "action", "exit"];

/** The handles a node leaves by, in the order they are drawn (the contract's edge handles). */
export function outputHandles(node: JourneyNode): string[] {
  switch (node.type) {
    case "trigger":
    case "action":
      return ["next"];
    case "wait":
      return node.wait.kind === "until_event" ? ["event", "timeout"] : ["next"];
    case "condition":
      return ["yes", "no"];
    case "split":
      return node.branches.map((b) => b.key);
    case "exit":
      return [];
  }
}

/** Every node but the trigger can be entered. */
export function hasInput(node: JourneyNode): boolean {
  return node.type !== "trigger";
}

/** `wait_3` after wait_1 and wait_2: short, readable, unique within the graph. */
export function nextNodeId(type: JourneyNodeType, existing: Iterable<string>): string {
  const taken = new Set(existing);
  for (let n = 1; ; n++) {
    const id = `${type}_${n}`;
    if (!taken.has(id)) return id;
  }
}

/** A node of a type with sensible defaults, for the palette. */
export function newNode(type: JourneyNodeType, id: string, position: { x: number; y: number }): JourneyNode {
  switch (type) {
    case "trigger":
      return { id, type, position, trigger: { kind: "event", event: "Order Completed", where: [], count: null } };
    case "wait":
      return { id, type, position, wait: { kind: "duration", minutes: 60 } };
    case "condition":
      return { id, type, position, condition: { kind: "rule", rule: { type: "and", rules: [] } } };
    case "split":
      return {
        id,
        type,
        position,
        branches: [
          { key: "a", label: "A", percent: 50 },
          { key: "b", label: "B", percent: 50 },
        ],
      };
    case "action":
      return { id, type, position, action: { kind: "award_points", points: 10, reason: "Journey reward" } };
    case "exit":
      return { id, type, position };
  }
}

/** Edges whose source handle no longer exists (a split branch removed, a wait changed kind) or whose ends are gone. */
export function pruneEdges(graph: JourneyGraph): JourneyGraph {
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const edges = graph.edges.filter((e: JourneyEdge) => {
    const from = nodes.get(e.from);
    const to = nodes.get(e.to);
    return from !== undefined && to !== undefined && hasInput(to) && outputHandles(from).includes(e.handle);
  });
  return edges.length === graph.edges.length ? graph : { ...graph, edges };
}
