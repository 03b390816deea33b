import { nodeHandles } from "@siyu/contracts";
import type { JourneyAction, JourneyCondition, JourneyEdge, JourneyGraph, JourneyNode, JourneyNodeType, JourneyTrigger, JourneyWait } from "@siyu/contracts";

export const NODE_TYPES: readonly JourneyNodeType[] = ["trigger", "wait", "condition", "split", "action", "exit"];


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
    return from !== undefined && to !== undefined && hasInput(to) && nodeHandles(from).includes(e.handle);
  });
  return edges.length === graph.edges.length ? graph : { ...graph, edges };
}

/** A reference not picked yet: the nil UUID passes the draft's shape check; publishing names the node. */
export const UNPICKED = "00000000-0000-0000-0000-000000000000";

export function isUnpicked(id: string | null | undefined): boolean {
  return !id || id === UNPICKED;
}

export function defaultTrigger(kind: JourneyTrigger["kind"]): JourneyTrigger {
  switch (kind) {
    case "event":
      return { kind, event: "Order Completed", where: [], count: null };
    case "segment_entered":
    case "segment_exited":
      return { kind, segmentId: UNPICKED };
    case "date_trait":
      return { kind, trait: "birthday", anniversary: true, offsetDays: 0, at: "10:00" };
    case "tier_changed":
      return { kind, direction: "up", to: null };
    case "lifecycle_changed":
      return { kind, to: null };
    case "schedule":
      return { kind, segmentId: null, at: "10:00", weekdays: [] };
    case "api":
      return { kind };
  }
}

export function defaultWait(kind: JourneyWait["kind"]): JourneyWait {
  switch (kind) {
    case "duration":
      return { kind, minutes: 60 };
    case "until_time":
      return { kind, at: "10:00", weekdays: [] };
    case "until_event":
      return { kind, event: "Order Completed", where: [], timeoutMinutes: 1440 };
  }
}

export function defaultCondition(kind: JourneyCondition["kind"]): JourneyCondition {
  switch (kind) {
    case "rule":
      return { kind, rule: { type: "and", rules: [] } };
    case "coupon_held":
      return { kind, templateId: null };
    case "trigger_event":
      return { kind, where: [{ property: "total", op: "gte", value: 200 }] };
  }
}

export function defaultAction(kind: JourneyAction["kind"]): JourneyAction {
  switch (kind) {
    case "send":
      return { kind, channel: "sms", templateId: UNPICKED, category: "targeted" };
    case "issue_coupon":
      return { kind, templateId: UNPICKED };
    case "award_points":
      return { kind, points: 10, reason: "Journey reward" };
    case "add_tag":
    case "remove_tag":
      return { kind, tagId: UNPICKED };
    case "webhook":
      return { kind, url: "https://example.com/hook" };
    case "store_task":
      return { kind, title: "Follow up", note: "", storeId: null };
  }
}
