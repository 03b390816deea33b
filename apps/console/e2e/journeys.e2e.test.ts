import { describe, expect, it } from "vitest";
import { useConsoleHarness } from "./support/harness";

// The worker loads the event, projects the profile and runs the trigger consumer within a few polls;
// the canvas refreshes a live journey's counts every few seconds: longer polls.
const harness = useConsoleHarness({ name: "journeys", demo: false, settleMs: 600, poll: { timeoutMs: 45_000, intervalMs: 300 } });

const PLAYBOOK = "cart_abandoned_offer";

type Report = { entered: number; inProgress: number; nodes: { nodeId: string; entered: number; inProgress: number }[] };

describe("journeys in Chromium", () => {
  it("starts the cart-abandon playbook on the canvas, publishes it, and the counts move when Product Added arrives", async () => {
    const { page, byTestId, confirm, choose, screenshot, api, until, pageErrors, login, ingestKey } = harness();
    const { ws } = await login();

    // What the playbook needs: an in-app inbox template (the channel that needs no provider) and a coupon template.
    const settings = await page.request.put(`/api/v1${ws}/messaging/settings`, { data: { channels: { inbox: { enabled: true } } } });
    expect(settings.status(), await settings.text()).toBe(200);
    const template = await api.post<{ id: string }>(`${ws}/message-templates`, {
      name: "Cart reminder (inbox)",
      channel: "inbox",
      purpose: "marketing",
      content: { en: { subject: "Still in your cart", body: "Your coupon {{ coupon.code }} is waiting.", url: "/pages/cart" } },
      defaultLocale: "en",
    });
    const coupon = await api.post<{ id: string }>(`${ws}/coupon-templates`, { name: "¥15 cart offer", kind: "fixed", amountMinor: 1500, validity: { kind: "relative", days: 3 } });

    // Journeys → playbook gallery → cart abandon: name it, pick the coupon and the template.
    await byTestId("nav-journeys").click();
    await page.waitForURL(/\/journeys$/);
    await byTestId(`playbook-${PLAYBOOK}`).waitFor();
    await screenshot("01-list-and-playbooks");
    await byTestId(`playbook-use-${PLAYBOOK}`).click();
    await byTestId("journey-new-name").fill("Cart recovery (e2e)");
    // The playbook: trigger → step_1 wait for Order Completed (30 min) → step_2 coupon → step_3 send → exit.
    await choose("playbook-pick-step_2", "¥15 cart offer");
    // The playbook's send defaults to WeCom; the inbox template is offered anyway and the send takes its channel.
    await choose("playbook-pick-step_3", "Cart reminder (inbox)");
    await screenshot("02-start-from-playbook");
    await byTestId("journey-create").click();

    // The canvas shows the playbook's nodes, a draft.
    await page.waitForURL(/\/journeys\/[0-9a-f-]{36}$/);
    const journeyId = /\/journeys\/([0-9a-f-]{36})$/.exec(page.url())![1]!;
    for (const id of ["trigger", "step_1", "step_2", "step_3", "exit", "exit_converted"]) await byTestId(`journey-node-${id}`).waitFor();
    expect(await byTestId("node-summary-trigger").innerText()).toContain("Product Added");
    expect(await byTestId("node-summary-step_3").innerText()).toContain("Cart reminder (inbox)");
    expect(await byTestId("journey-status").getAttribute("data-status")).toBe("draft");
    const draft = await api.get<{ graph: { nodes: { id: string; action?: { kind: string; channel?: string; templateId?: string } }[] } }>(`${ws}/journeys/${journeyId}`);
    expect(draft.graph.nodes.find((n) => n.id === "step_3")?.action).toMatchObject({ kind: "send", channel: "inbox", templateId: template.id });
    expect(draft.graph.nodes.find((n) => n.id === "step_2")?.action).toMatchObject({ kind: "issue_coupon", templateId: coupon.id });
    await screenshot("03-canvas-draft");

    // Publish (confirm) → live, and every node shows its counts, at 0.
    await confirm("journey-publish", "journey-publish-confirm");
    await until("the journey is live", async () => byTestId("journey-status").getAttribute("data-status"), (s) => s === "live");
    const triggerCount = byTestId("node-count-trigger");
    await triggerCount.waitFor();
    expect(await triggerCount.getAttribute("data-entered")).toBe("0");
    expect(await byTestId("node-count-step_1").getAttribute("data-in-progress")).toBe("0");
    await screenshot("04-live-at-zero");

    // A customer adds a product to the cart, through the ingest API: the canvas counts move without a reload.
    const key = await ingestKey("e2e journeys");
    await key.send([{ type: "track", messageId: "cart-1", userId: "cart-customer-1", event: "Product Added", timestamp: new Date().toISOString(), properties: { product_name: "Oolong 250 g", price: 88 } }]);
    await until("the trigger counts one entry on the canvas", async () => triggerCount.getAttribute("data-entered"), (n) => n === "1");
    await until("one customer waits on the wait node", async () => byTestId("node-count-step_1").getAttribute("data-in-progress"), (n) => n === "1");
    expect(await byTestId("node-count-step_1").getAttribute("data-entered")).toBe("1");
    // Still waiting for Order Completed: nobody reached the coupon yet.
    expect(await byTestId("node-count-step_2").getAttribute("data-entered")).toBe("0");
    const report = await api.get<Report>(`${ws}/journeys/${journeyId}/report`);
    expect(report).toMatchObject({ entered: 1, inProgress: 1 });
    await byTestId("journey-report").getByText("Entered").waitFor();
    await screenshot("05-live-counts-moved");

    // A bad graph is refused at publish: a node added from the palette and left unconnected is pinned as unreachable.
    await byTestId("palette-action").click();
    const added = byTestId("journey-node-action_1");
    await added.waitFor();
    await page.keyboard.press("Escape");
    const refused = page.waitForResponse((r) => r.request().method() === "POST" && r.url().endsWith(`/journeys/${journeyId}/publish`));
    await confirm("journey-publish", "journey-publish-confirm");
    const answer = await refused;
    expect(answer.status(), await answer.text()).toBe(422);
    await byTestId("journey-problems").waitFor();
    await byTestId("journey-problem-unreachable").waitFor();
    await until("the problem is pinned on the new node", async () => added.getAttribute("data-invalid"), (v) => v === "true");
    // Pinned on the node: unreachable, and its exit that leads nowhere.
    const pinned = await byTestId("node-problem-action_1").allInnerTexts();
    expect(pinned).toContain("No path from the trigger reaches this node.");
    expect(pinned.some((m) => m.startsWith('The "next" exit leads nowhere'))).toBe(true);
    expect(await byTestId("journey-node-trigger").getAttribute("data-invalid")).toBeNull();
    // The refused draft changes nothing live: still version 1, still counting.
    const after = await api.get<{ status: string; liveVersion: number | null; hasDraftChanges: boolean }>(`${ws}/journeys/${journeyId}`);
    expect(after).toMatchObject({ status: "live", liveVersion: 1, hasDraftChanges: true });
    expect(await byTestId("journey-status").getAttribute("data-status")).toBe("live");
    await screenshot("06-publish-refused-unreachable");

    expect(pageErrors).toEqual([]);
  });
});
