import type { JourneyGraph } from "@siyu/contracts";
import { nodeHandles } from "@siyu/contracts";

export const LAYOUT = { rowGap: 150, columnGap: 280 } as const;

/** A graph without real positions (a playbook): every node at the same spot. */
export function needsLayout(graph: JourneyGraph): boolean {
  if (graph.nodes.length < 2) return false;
  const spots = new Set(graph.nodes.map((n) => `${n.position.x},${n.position.y}`));
  return spots.size === 1;
}

/**
 * Top-down layering: each node one row below the deepest parent that reaches it without going back
 * (edges closing a loop are ignored); within a row, nodes keep the order of their parents' handles
 * and are centred on x = 0.
 */
export function layoutGraph(graph: JourneyGraph): JourneyGraph {
  const ids = graph.nodes.map((n) => n.id);
  const nodeById = new Map(graph.nodes.map((n) => [n.id, n]));
  const handleOrder = (from: string, handle: string) => {
    const node = nodeById.get(from);
    return node ? Math.max(0, nodeHandles(node).indexOf(handle)) : 0;
  };
  const out = new Map<string, { to: string; order: number }[]>();
  for (const e of graph.edges) {
    if (!nodeById.has(e.from) || !nodeById.has(e.to)) continue;
    out.set(e.from, [...(out.get(e.from) ?? []), { to: e.to, order: handleOrder(e.from, e.handle) }]);
  }
  for (const list of out.values()) list.sort((a, b) => a.order - b.order);

  // Depth-first from the roots (triggers first, then nodes nothing enters) to drop back edges.
  const entered = new Set(graph.edges.map((e) => e.to));
  const roots = [...graph.nodes.filter((n) => n.type === "trigger"), ...graph.nodes.filter((n) => n.type !== "trigger" && !entered.has(n.id))].map((n) => n.id);
  const state = new Map<string, "open" | "done">();
  const forward: { from: string; to: string }[] = [];
  const visit = (id: string) => {
    state.set(id, "open");
    for (const { to } of out.get(id) ?? []) {
      const s = state.get(to);
      if (s === "open") continue; // a loop back
      forward.push({ from: id, to });
      if (s === undefined) visit(to);
    }
    state.set(id, "done");
  };
  for (const root of [...roots, ...ids]) if (!state.has(root)) visit(root);

  // Longest path layering over the acyclic forward edges.
  const layer = new Map<string, number>(ids.map((id) => [id, 0]));
  for (let changed = true, rounds = 0; changed && rounds <= ids.length; rounds++) {
    changed = false;
    for (const { from, to } of forward) {
      const want = layer.get(from)! + 1;
      if (want > layer.get(to)!) {
        layer.set(to, want);
        changed = true;
      }
    }
  }

  // Order within a row by first visit from the top.
  const order = new Map<string, number>();
  const queue = [...roots];
  for (const r of roots) order.set(r, order.size);
  while (queue.length) {
    const id = queue.shift()!;
    for (const { to } of out.get(id) ?? []) {
      if (!order.has(to)) {
        order.set(to, order.size);
        queue.push(to);
      }
    }
  }
  for (const id of ids) if (!order.has(id)) order.set(id, order.size);

  const rows = new Map<number, string[]>();
  for (const id of ids) rows.set(layer.get(id)!, [...(rows.get(layer.get(id)!) ?? []), id]);
  const position = new Map<string, { x: number; y: number }>();
  for (const [row, members] of rows) {
    members.sort((a, b) => order.get(a)! - order.get(b)!);
    members.forEach((id, i) => position.set(id, { x: (i - (members.length - 1) / 2) * LAYOUT.columnGap, y: row * LAYOUT.rowGap }));
  }
  return { ...graph, nodes: graph.nodes.map((n) => ({ ...n, position: position.get(n.id)! })) };
}
