import { JourneyGraph, type Channel, type PlaybookDto } from "@siyu/contracts";
import { describe, expect, it } from "vitest";
import { journeyFromPlaybook, listReferences } from "./playbook";

const PLACEHOLDER = "00000000-0000-4000-8000-000000000001";
const INBOX = "0190f5c2-0000-7000-8000-0000000000a1";
const COUPON = "0190f5c2-0000-7000-8000-0000000000c1";

const playbook: PlaybookDto = {
  key: "cart_abandoned_offer",
  name: "加购未支付限时优惠",
  description: "",
  needs: ["template:limited_offer", "coupon_template"],
  journey: {
    name: "加购未支付限时优惠",
    description: "",
    playbook: null,
    settings: { entry: { mode: "every_time" }, audience: null, goal: null, holdoutPercent: 0, dailySendLimit: null, dryRun: false },
    graph: JourneyGraph.parse({
      nodes: [
        { id: "trigger", type: "trigger", position: { x: 0, y: 0 }, trigger: { kind: "event", event: "Product Added" } },
        { id: "coupon", type: "action", position: { x: 0, y: 140 }, action: { kind: "issue_coupon", templateId: "00000000-0000-4000-8000-0000000000c0" } },
        { id: "send", type: "action", position: { x: 0, y: 280 }, action: { kind: "send", channel: "wecom", templateId: PLACEHOLDER } },
        { id: "exit", type: "exit", position: { x: 0, y: 420 } },
      ],
      edges: [
        { from: "trigger", to: "coupon" },
        { from: "coupon", to: "send" },
        { from: "send", to: "exit" },
      ],
    }),
  },
} as PlaybookDto;

describe("starting a journey from a playbook", () => {
  it("puts the picks in and gives a send the channel of the template picked for it", () => {
    expect(listReferences(playbook.journey.graph).map((r) => [r.nodeId, r.kind])).toEqual([
      ["coupon", "coupon_template"],
      ["send", "message_template"],
    ]);
    const channelOf = (id: string): Channel | undefined => (id === INBOX ? "inbox" : undefined);
    const body = journeyFromPlaybook(playbook, "Cart recovery", { coupon: COUPON, send: INBOX }, channelOf);
    const byId = new Map(body.graph.nodes.map((n) => [n.id, n]));
    expect(byId.get("send")).toMatchObject({ action: { kind: "send", channel: "inbox", templateId: INBOX } });
    expect(byId.get("coupon")).toMatchObject({ action: { kind: "issue_coupon", templateId: COUPON } });
    expect(body.playbook).toBe("cart_abandoned_offer");
    // A template whose channel is unknown (not in the list) keeps the playbook's channel.
    const unknown = journeyFromPlaybook(playbook, "Cart recovery", { send: COUPON }, channelOf);
    expect(unknown.graph.nodes.find((n) => n.id === "send")).toMatchObject({ action: { channel: "wecom", templateId: COUPON } });
  });
});
