import { JourneyBody, type JourneyGraph } from "@siyu/contracts";
import { describe, expect, it } from "vitest";
import { newId } from "../../shared/ids";
import { structuralProblems } from "../graph-validation";
import { instantiatePlaybook, listPlaybooks, PLAYBOOK_KEYS, type PlaybookPicks } from "./playbooks";

function picksFor(needs: string[]): PlaybookPicks {
  const picks: PlaybookPicks = { templates: {} };
  for (const need of needs) {
    if (need.startsWith("template:")) picks.templates[need.slice("template:".length)] = newId();
    else if (need === "coupon_template") picks.couponTemplateId = newId();
    else if (need === "segment") picks.segmentId = newId();
    else throw new Error(`unknown need ${need}`);
  }
  return picks;
}

const node = (graph: JourneyGraph, id: string) => graph.nodes.find((n) => n.id === id)!;

describe("playbooks", () => {
  it("cover the brand plans' SOPs, each parsing as a journey with a well-formed graph", () => {
    const list = listPlaybooks();
    expect(list.map((p) => p.key)).toEqual([
      "welcome_new_member",
      "product_views_coupon",
      "cart_abandoned_offer",
      "post_purchase_cross_sell",
      "birthday_care",
      "dormant_recall",
      "expiry_reminder",
      "tier_upgrade_congrats",
    ]);
    for (const p of list) {
      expect(JourneyBody.safeParse(p.journey).success, p.key).toBe(true);
      expect(structuralProblems(p.journey.graph), p.key).toEqual([]);
      expect(p.needs.length, p.key).toBeGreaterThan(0);
    }
  });

  it("instantiate with the operator's picks, every placeholder replaced", () => {
    for (const p of listPlaybooks()) {
      const picks = { ...picksFor(p.needs), channel: "sms" as const };
      const journey = instantiatePlaybook(p.key, picks);
      expect(JourneyBody.parse(journey)).toEqual(journey);
      expect(structuralProblems(journey.graph), p.key).toEqual([]);
      const text = JSON.stringify(journey);
      expect(text, p.key).not.toMatch(/00000000-0000-4000-8000-/);
      for (const id of Object.values(picks.templates)) expect(text).toContain(id);
      if (picks.couponTemplateId) expect(text).toContain(picks.couponTemplateId);
      if (picks.segmentId) expect(text).toContain(picks.segmentId);
      for (const n of journey.graph.nodes) if (n.type === "action" && n.action.kind === "send") expect(n.action.channel).toBe("sms");
    }
  });

  it("encode the plans' rules: > 5 views in 7 days, a 30-minute cart timeout, dormant at most every 3 days, birthdays at 10:00", () => {
    const views = instantiatePlaybook("product_views_coupon", picksFor(["template:exclusive_coupon", "coupon_template"]));
    expect(node(views.graph, "trigger")).toMatchObject({ trigger: { kind: "event", event: "Product Viewed", count: { atLeast: 6, withinDays: 7 } } });
    const cart = instantiatePlaybook("cart_abandoned_offer", picksFor(["template:limited_offer", "coupon_template"]));
    expect(node(cart.graph, "step_1")).toMatchObject({ wait: { kind: "until_event", event: "Order Completed", timeoutMinutes: 30 } });
    // Buying within the half hour leaves without a coupon; the timeout issues one, then sends.
    expect(cart.graph.edges).toContainEqual({ from: "step_1", handle: "event", to: "exit_converted" });
    expect(cart.graph.edges).toContainEqual({ from: "step_1", handle: "timeout", to: "step_2" });
    expect(node(cart.graph, "step_2")).toMatchObject({ action: { kind: "issue_coupon" } });
    const dormant = instantiatePlaybook("dormant_recall", picksFor(["template:recall", "coupon_template", "segment"]));
    expect(dormant.settings.entry).toEqual({ mode: "cooldown", hours: 72 });
    const birthday = instantiatePlaybook("birthday_care", picksFor(["template:birthday", "coupon_template"]));
    expect(node(birthday.graph, "trigger")).toMatchObject({ trigger: { kind: "date_trait", trait: "birthday", anniversary: true, at: "10:00" } });
    expect(node(instantiatePlaybook("tier_upgrade_congrats", picksFor(["template:tier_upgrade"])).graph, "trigger")).toMatchObject({ trigger: { kind: "tier_changed", direction: "up" } });
  });

  it("refuse missing picks naming the need, and unknown playbooks", () => {
    expect(() => instantiatePlaybook("dormant_recall", { templates: { recall: newId() }, couponTemplateId: newId() })).toThrow(
      expect.objectContaining({ code: "playbooks.missing_pick", details: { path: "segmentId", need: "segment" } }),
    );
    expect(() => instantiatePlaybook("welcome_new_member", { templates: { welcome: newId() } })).toThrow(
      expect.objectContaining({ code: "playbooks.missing_pick", details: { path: "templates.tasks_reminder", need: "template:tasks_reminder" } }),
    );
    expect(() => instantiatePlaybook("nope", { templates: {} })).toThrow(expect.objectContaining({ code: "playbooks.not_found" }));
    expect(PLAYBOOK_KEYS).toHaveLength(8);
  });
});
