import { JourneyGraph, type GraphProblemDto } from "@siyu/contracts";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../../lib/api";
import { flowToGraph, graphToFlow } from "./flow-graph";
import { formatFilterValue, parseFilterValue } from "./filter-value";
import { defaultAction, defaultCondition, defaultTrigger, defaultWait, isUnpicked, newNode, nextNodeId, pruneEdges } from "./node-model";
import { nodeHandles } from "@siyu/contracts";
import { applyProblems, readGraphProblems } from "./problems";

const graph: JourneyGraph = JourneyGraph.parse({
  nodes: [
    { id: "t", type: "trigger", position: { x: 0, y: 0 }, trigger: { kind: "event", event: "Cart Abandoned" } },
    { id: "w", type: "wait", position: { x: 0, y: 150 }, wait: { kind: "until_event", event: "Order Completed", timeoutMinutes: 30 } },
    { id: "s", type: "split", position: { x: 0, y: 300 }, branches: [{ key: "a", percent: 50 }, { key: "b", percent: 50 }] },
    { id: "send", type: "action", position: { x: -140, y: 450 }, action: { kind: "award_points", points: 5, reason: "r" } },
    { id: "c", type: "condition", position: { x: 140, y: 450 }, condition: { kind: "coupon_held" } },
    { id: "x", type: "exit", position: { x: 0, y: 600 } },
  ],
  edges: [
    { from: "t", to: "w" },
    { from: "w", handle: "timeout", to: "s" },
    { from: "w", handle: "event", to: "x" },
    { from: "s", handle: "a", to: "send" },
    { from: "s", handle: "b", to: "c" },
    { from: "c", handle: "yes", to: "x" },
    { from: "c", handle: "no", to: "x" },
    { from: "send", to: "x" },
  ],
});

describe("graph ↔ React Flow", () => {
  it("round-trips a graph exactly", () => {
    const { nodes, edges } = graphToFlow(graph);
    expect(flowToGraph(nodes, edges)).toEqual(graph);
  });

  it("draws edges from the contract's handles and keeps moved positions", () => {
    const { nodes, edges } = graphToFlow(graph);
    expect(edges.find((e) => e.source === "w" && e.target === "s")).toMatchObject({ sourceHandle: "timeout", targetHandle: "in" });
    expect(nodes.map((n) => n.type)).toEqual(["trigger", "wait", "split", "action", "condition", "exit"]);
    const moved = nodes.map((n) => (n.id === "x" ? { ...n, position: { x: 12.4, y: 700.6 } } : n));
    expect(flowToGraph(moved, edges).nodes.find((n) => n.id === "x")!.position).toEqual({ x: 12, y: 701 });
    expect(JourneyGraph.safeParse(flowToGraph(moved, edges)).success).toBe(true);
  });
});

describe("node model", () => {
  it("gives each node type its handles", () => {
    expect(graph.nodes.map((n) => [n.id, nodeHandles(n)])).toEqual([
      ["t", ["next"]],
      ["w", ["event", "timeout"]],
      ["s", ["a", "b"]],
      ["send", ["next"]],
      ["c", ["yes", "no"]],
      ["x", []],
    ]);
  });

  it("makes valid new nodes with unused ids", () => {
    const id = nextNodeId("wait", ["wait_1", "wait_2", "t"]);
    expect(id).toBe("wait_3");
    for (const type of ["trigger", "wait", "condition", "split", "action", "exit"] as const) {
      const parsed = JourneyGraph.safeParse({ nodes: [newNode(type, nextNodeId(type, []), { x: 1, y: 2 })], edges: [] });
      expect(parsed.success, type).toBe(true);
    }
  });

  it("drops edges from handles that no longer exist", () => {
    const shrunk = { ...graph, nodes: graph.nodes.map((n) => (n.id === "w" ? { ...n, wait: { kind: "duration" as const, minutes: 5 } } : n)) };
    const pruned = pruneEdges(shrunk);
    expect(pruned.edges.filter((e) => e.from === "w")).toEqual([]);
    expect(pruned.edges).toHaveLength(graph.edges.length - 2);
    expect(pruneEdges(graph)).toBe(graph);
  });
});

describe("problems on the canvas", () => {
  const problems: GraphProblemDto[] = [
    { nodeId: "send", code: "missing_template", message: "Pick a template" },
    { nodeId: "send", code: "channel_disabled", message: "SMS is disabled" },
    { nodeId: null, code: "no_trigger", message: "No trigger" },
    { nodeId: "gone", code: "unknown_node", message: "Edge to gone" },
  ];

  it("pins problems on the nodes they name and lists the rest", () => {
    const { nodes } = graphToFlow(graph);
    const applied = applyProblems(nodes, problems);
    expect(applied.nodes.find((n) => n.id === "send")!.data.problems).toEqual(["Pick a template", "SMS is disabled"]);
    expect(applied.nodes.filter((n) => n.data.problems.length > 0).map((n) => n.id)).toEqual(["send"]);
    expect(applied.general.map((p) => p.code)).toEqual(["no_trigger", "unknown_node"]);
  });

  it("clears problems once they are fixed", () => {
    const { nodes } = graphToFlow(graph);
    const once = applyProblems(nodes, problems).nodes;
    expect(applyProblems(once, []).nodes.every((n) => n.data.problems.length === 0)).toBe(true);
  });

  it("reads a refused publish's problems from the API error", () => {
    expect(readGraphProblems(new ApiError(422, "journeys.invalid_graph", "Invalid", { problems }))).toEqual(problems);
    expect(readGraphProblems(new ApiError(404, "journeys.not_found", "Not found"))).toBeNull();
    expect(readGraphProblems(new Error("x"))).toBeNull();
  });
});

describe("defaults and typed values", () => {
  it("gives every kind a default the contract accepts", () => {
    const nodes = [
      ...(["event", "segment_entered", "segment_exited", "date_trait", "tier_changed", "lifecycle_changed", "schedule", "api"] as const).map((k, i) => ({ id: `t${i}`, type: "trigger" as const, position: { x: 0, y: 0 }, trigger: defaultTrigger(k) })),
      ...(["duration", "until_time", "until_event"] as const).map((k, i) => ({ id: `w${i}`, type: "wait" as const, position: { x: 0, y: 0 }, wait: defaultWait(k) })),
      ...(["rule", "coupon_held", "trigger_event"] as const).map((k, i) => ({ id: `c${i}`, type: "condition" as const, position: { x: 0, y: 0 }, condition: defaultCondition(k) })),
      ...(["send", "issue_coupon", "award_points", "add_tag", "remove_tag", "webhook", "store_task"] as const).map((k, i) => ({ id: `a${i}`, type: "action" as const, position: { x: 0, y: 0 }, action: defaultAction(k) })),
    ];
    const parsed = JourneyGraph.safeParse({ nodes, edges: [] });
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(nodes.filter((n) => n.type === "action" && "templateId" in n.action).every((n) => n.type === "action" && "templateId" in n.action && isUnpicked(n.action.templateId))).toBe(true);
  });

  it("reads what an operator types as a filter value", () => {
    expect(parseFilterValue("gte", "200")).toBe(200);
    expect(parseFilterValue("eq", "true")).toBe(true);
    expect(parseFilterValue("eq", "Shanghai")).toBe("Shanghai");
    expect(parseFilterValue("in", "a, b, 3")).toEqual(["a", "b", 3]);
    expect(parseFilterValue("between", "10,20")).toEqual([10, 20]);
    expect(parseFilterValue("exists", "x")).toBeUndefined();
    expect(formatFilterValue(["a", 3])).toBe("a, 3");
  });
});
