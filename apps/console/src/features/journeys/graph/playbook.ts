import type { Channel, JourneyGraph, JourneyInput, JourneyNode, PlaybookDto } from "@siyu/contracts";
import { layoutGraph, needsLayout } from "./auto-layout";
import type { ReferenceKind } from "./node-summary";

/** A reference a node holds that the operator picks when starting from a playbook. */
export type NodeReference = { nodeId: string; kind: ReferenceKind; channel: Channel | null; value: string | null; optional: boolean };

function referenceOf(node: JourneyNode): NodeReference | null {
  const ref = (kind: ReferenceKind, value: string | null, optional = false, channel: Channel | null = null): NodeReference => ({ nodeId: node.id, kind, channel, value, optional });
  switch (node.type) {
    case "trigger":
      if (node.trigger.kind === "segment_entered" || node.trigger.kind === "segment_exited") return ref("segment", node.trigger.segmentId);
      if (node.trigger.kind === "schedule") return ref("segment", node.trigger.segmentId, true);
      return null;
    case "condition":
      return node.condition.kind === "coupon_held" ? ref("coupon_template", node.condition.templateId, true) : null;
    case "action":
      switch (node.action.kind) {
        case "send":
          return ref("message_template", node.action.templateId, false, node.action.channel);
        case "issue_coupon":
          return ref("coupon_template", node.action.templateId);
        case "add_tag":
        case "remove_tag":
          return ref("tag", node.action.tagId);
        default:
          return null;
      }
    default:
      return null;
  }
}

/** Every template, coupon template, tag or segment the graph's nodes point at, in node order. */
export function listReferences(graph: JourneyGraph): NodeReference[] {
  return graph.nodes.flatMap((n) => referenceOf(n) ?? []);
}

/** A message template's channel, when known: a send node takes the channel of the template picked for it. */
export type TemplateChannelOf = (templateId: string) => Channel | undefined;

function withReference(node: JourneyNode, value: string | null, channelOf?: TemplateChannelOf): JourneyNode {
  switch (node.type) {
    case "trigger":
      if (node.trigger.kind === "segment_entered" || node.trigger.kind === "segment_exited") return value ? { ...node, trigger: { ...node.trigger, segmentId: value } } : node;
      if (node.trigger.kind === "schedule") return { ...node, trigger: { ...node.trigger, segmentId: value } };
      return node;
    case "condition":
      return node.condition.kind === "coupon_held" ? { ...node, condition: { ...node.condition, templateId: value } } : node;
    case "action": {
      if (!value) return node;
      const a = node.action;
      if (a.kind === "send") return { ...node, action: { ...a, templateId: value, channel: channelOf?.(value) ?? a.channel } };
      if (a.kind === "issue_coupon") return { ...node, action: { ...a, templateId: value } };
      if (a.kind === "add_tag" || a.kind === "remove_tag") return { ...node, action: { ...a, tagId: value } };
      return node;
    }
    default:
      return node;
  }
}

/** Puts the operator's picks (by node id) into the graph; nodes not picked keep the playbook's value. A send takes its template's channel. */
export function applyReferences(graph: JourneyGraph, choices: Readonly<Record<string, string | null | undefined>>, channelOf?: TemplateChannelOf): JourneyGraph {
  return { ...graph, nodes: graph.nodes.map((n) => (n.id in choices && choices[n.id] !== undefined ? withReference(n, choices[n.id]!, channelOf) : n)) };
}

/** The body POSTed to create a journey from a playbook: picks applied, laid out when it has no positions, tagged with the playbook key. */
export function journeyFromPlaybook(
  playbook: PlaybookDto,
  name: string,
  choices: Readonly<Record<string, string | null | undefined>>,
  channelOf?: TemplateChannelOf,
): JourneyInput & { graph: JourneyGraph } {
  const picked = applyReferences(playbook.journey.graph, choices, channelOf);
  return {
    name,
    description: playbook.journey.description,
    graph: needsLayout(picked) ? layoutGraph(picked) : picked,
    settings: playbook.journey.settings,
    playbook: playbook.key,
  };
}

/** A blank journey: one event trigger. */
export function blankJourney(name: string): JourneyInput {
  return {
    name,
    graph: { nodes: [{ id: "trigger_1", type: "trigger", position: { x: 0, y: 0 }, trigger: { kind: "event", event: "Order Completed", where: [], count: null } }], edges: [] },
    playbook: null,
  };
}
