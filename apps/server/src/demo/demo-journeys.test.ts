import { systemContext } from "@siyu/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../testing/test-app";
import { DEMO_JOURNEYS, defineDemoJourneys } from "./demo-journeys";
import { defineDemoSegmentation } from "./demo-segmentation";
import { seedDemoWorkspace } from "./seed-demo";

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe("the demo brand's journeys", () => {
  it("starts four playbooks on the inbox with the demo templates and coupons, two live, and a sign-up runs the welcome journey", async () => {
    const { workspace } = await seedDemoWorkspace(t.services, { memberCount: 40 });
    await defineDemoSegmentation(t.services, workspace.id);
    await defineDemoJourneys(t.services, workspace.id);
    const ctx = systemContext(workspace.id);

    const journeys = await t.services.journeys.list(ctx);
    const byPlaybook = new Map(journeys.map((j) => [j.playbook, j]));
    expect([...byPlaybook.keys()].sort()).toEqual(DEMO_JOURNEYS.map((j) => j.playbook).sort());
    expect(Object.fromEntries(journeys.map((j) => [j.playbook, j.status]))).toEqual({
      welcome_new_member: "live",
      birthday_care: "live",
      cart_abandoned_offer: "draft",
      dormant_recall: "draft",
    });
    // Every send goes to the inbox with a demo template; the drafts are ready to publish from the canvas.
    const templates = new Map((await t.services.messaging.templates.list(ctx)).map((m) => [m.id, m]));
    const coupons = new Set((await t.services.coupons.listTemplates(ctx)).map((c) => c.id));
    for (const j of journeys) {
      const sends = j.graph.nodes.flatMap((n) => (n.type === "action" && n.action.kind === "send" ? [n.action] : []));
      expect(sends.length).toBeGreaterThan(0);
      for (const s of sends) expect(templates.get(s.templateId)?.channel, j.name).toBe("inbox");
      for (const n of j.graph.nodes) if (n.type === "action" && n.action.kind === "issue_coupon") expect(coupons.has(n.action.templateId)).toBe(true);
      expect((await t.services.journeys.validate(ctx, j.id)).problems, j.name).toEqual([]);
    }
    const recall = byPlaybook.get("dormant_recall")!.graph.nodes.find((n) => n.type === "trigger")!;
    const dormant = (await t.services.segments.list(ctx)).find((s) => s.name === "沉睡待唤醒")!;
    expect(recall.type === "trigger" && recall.trigger).toEqual({ kind: "segment_entered", segmentId: dormant.id });

    // A new member signs up: the welcome journey starts and queues the welcome message to their inbox.
    const ingest = await t.services.ingest(workspace.id, [{ type: "track", messageId: "demo-signup-1", userId: "demo-new-member", event: "Signed Up", timestamp: new Date().toISOString(), properties: {} }]);
    expect(ingest.errors).toEqual([]);
    while ((await t.services.projectNextBatch()) > 0);
    while ((await t.services.journeyTriggersNextBatch()) > 0);
    const welcome = byPlaybook.get("welcome_new_member")!;
    expect(await t.services.journeys.report(ctx, welcome.id)).toMatchObject({ entered: 1 });
    const messages = await t.services.messaging.messages.list(ctx, { journeyId: welcome.id, limit: 10 });
    expect(messages.items.map((m) => ({ channel: m.channel, template: templates.get(m.templateId!)?.name }))).toEqual([{ channel: "inbox", template: "欢迎入会 Welcome" }]);
  });
});
