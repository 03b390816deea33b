import type { Edge, Node } from "@xyflow/react";
import type { JourneyEdge, JourneyGraph, JourneyNode, JourneyNodeType } from "@siyu/contracts";

/** What each canvas node carries: the contract node itself (its position is the canvas's) and the problems pinned on it. */
export type JourneyNodeData = { node: JourneyNode; problems: string[] };
export type JourneyFlowNode = Node<JourneyNodeData, JourneyNodeType>;
export type JourneyFlowEdge = Edge;

export function edgeId(edge: JourneyEdge): string {
  return `${edge.from}:${edge.handle}->${edge.to}`;
}

export function toFlowNode(node: JourneyNode, problems: string[] = []): JourneyFlowNode {
  return { id: node.id, type: node.type, position: { ...node.position }, data: { node, problems }, deletable: true };
}

export function toFlowEdge(edge: JourneyEdge): JourneyFlowEdge {
  return { id: edgeId(edge), source: edge.from, sourceHandle: edge.handle, target: edge.to, targetHandle: "in" };
}

/** The contract graph drawn as React Flow nodes and edges (handle ids are the contract's edge handles). */
export function graphToFlow(graph: JourneyGraph): { nodes: JourneyFlowNode[]; edges: JourneyFlowEdge[] } {
  return { nodes: graph.nodes.map((n) => toFlowNode(n)), edges: graph.edges.map(toFlowEdge) };
}

/** Back to the contract: positions from the canvas (rounded), edges by their source handle. */
export function flowToGraph(nodes: readonly JourneyFlowNode[], edges: readonly JourneyFlowEdge[]): JourneyGraph {
  return {
    nodes: nodes.map((n) => ({ ...n.data.node, id: n.id, position: { x: Math.round(n.position.x), y: Math.round(n.position.y) } })),
    edges: edges.map((e) => ({ from: e.source, handle: e.sourceHandle ?? "next", to: e.target })),
  };
}
