import { JourneyGraph, PlaybookDto } from "@siyu/contracts";
import { describe, expect, it } from "vitest";
import { layoutGraph, LAYOUT, needsLayout } from "./auto-layout";
import { applyReferences, journeyFromPlaybook, listReferences } from "./playbook";

const zero = { x: 0, y: 0 };
const TEMPLATE = "0190f5c2-0000-7000-8000-000000000001";
const COUPON = "0190f5c2-0000-7000-8000-000000000002";
const PICKED = "0190f5c2-0000-7000-8000-0000000000aa";

const playbookGraph = JourneyGraph.parse({
  nodes: [
    { id: "exit", type: "exit", position: zero },
    { id: "trigger", type: "trigger", position: zero, trigger: { kind: "event", event: "Cart Abandoned" } },
    { id: "wait", type: "wait", position: zero, wait: { kind: "until_event", event: "Order Completed", timeoutMinutes: 60 } },
    { id: "coupon", type: "action", position: zero, action: { kind: "issue_coupon", templateId: COUPON } },
    { id: "send", type: "action", position: zero, action: { kind: "send", channel: "sms", templateId: TEMPLATE } },
    { id: "again", type: "wait", position: zero, wait: { kind: "duration", minutes: 1440 } },
  ],
  edges: [
    { from: "trigger", to: "wait" },
    { from: "wait", handle: "event", to: "exit" },
    { from: "wait", handle: "timeout", to: "coupon" },
    { from: "coupon", to: "send" },
    { from: "send", to: "again" },
    { from: "again", to: "wait" }, // a loop back through a wait
  ],
});

describe("auto-layout", () => {
  it("lays out only graphs whose nodes share one spot", () => {
    expect(needsLayout(playbookGraph)).toBe(true);
    expect(needsLayout(layoutGraph(playbookGraph))).toBe(false);
  });

  it("puts each node below every parent, loops aside, and gives every node its own spot", () => {
    const laid = layoutGraph(playbookGraph);
    const pos = new Map(laid.nodes.map((n) => [n.id, n.position]));
    const row = (id: string) => pos.get(id)!.y / LAYOUT.rowGap;
    expect(row("trigger")).toBe(0);
    expect(row("wait")).toBe(1);
    expect(row("coupon")).toBe(2);
    expect(row("send")).toBe(3);
    expect(row("again")).toBe(4);
    // exit is reached from wait only: the row after it, left of coupon (event before timeout)
    expect(row("exit")).toBe(2);
    expect(pos.get("exit")!.x).toBeLessThan(pos.get("coupon")!.x);
    expect(new Set(laid.nodes.map((n) => `${n.position.x},${n.position.y}`)).size).toBe(laid.nodes.length);
    expect(laid.edges).toEqual(playbookGraph.edges);
  });

  it("places nodes nothing reaches too", () => {
    const laid = layoutGraph({ ...playbookGraph, edges: [] });
    expect(laid.nodes.every((n) => Number.isFinite(n.position.x) && n.position.y === 0)).toBe(true);
  });
});

describe("starting from a playbook", () => {
  const playbook = PlaybookDto.parse({
    key: "cart_recovery",
    name: "Cart recovery",
    description: "Win back abandoned carts",
    needs: ["coupon_template", "sms_template"],
    journey: { name: "Cart recovery", graph: playbookGraph },
  });

  it("lists what the nodes reference", () => {
    expect(listReferences(playbookGraph)).toEqual([
      { nodeId: "coupon", kind: "coupon_template", channel: null, value: COUPON, optional: false },
      { nodeId: "send", kind: "message_template", channel: "sms", value: TEMPLATE, optional: false },
    ]);
  });

  it("applies the operator's picks and keeps the rest", () => {
    const picked = applyReferences(playbookGraph, { coupon: PICKED, send: undefined });
    expect(listReferences(picked).map((r) => r.value)).toEqual([PICKED, TEMPLATE]);
  });

  it("builds a body the contract accepts, laid out and tagged with the playbook", () => {
    const body = journeyFromPlaybook(playbook, "Spring carts", { send: PICKED });
    expect(body.playbook).toBe("cart_recovery");
    expect(body.name).toBe("Spring carts");
    expect(needsLayout(body.graph)).toBe(false);
    expect(listReferences(body.graph).find((r) => r.nodeId === "send")!.value).toBe(PICKED);
  });
});
