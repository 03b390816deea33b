import { describe, expect, it } from "vitest";
import { useConsoleHarness } from "./support/harness";

const harness = useConsoleHarness({ name: "loyalty-tasks", demo: false });

describe("Loyalty tasks and badges in Chromium", () => {
  it("creates a task in the console, completes it with events, and shows it and a badge on the customer page", async () => {
    const { page, byTestId, screenshot, api, until, pageErrors, login, ingestKey } = harness();
    const { workspaceId, ws } = await login();

    // 1. A two-step task with a points reward, made in the Tasks tab.
    await byTestId("nav-loyalty").click();
    await page.waitForURL(/\/loyalty$/);
    await page.getByRole("tab", { name: "Tasks" }).click();
    await byTestId("task-new").click();
    await byTestId("task-code").fill("join_and_share");
    await byTestId("task-name-zh").fill("入群并分享");
    await byTestId("task-step-0-event").fill("Group Joined");
    await byTestId("task-step-add").click();
    await byTestId("task-step-1-event").fill("Product Shared");
    await byTestId("task-step-1-count").fill("2");
    await byTestId("task-reward-points").fill("15");
    await screenshot("01-task-editor");
    await byTestId("task-save").click();
    await byTestId("loyalty-tasks").getByText("入群并分享").waitFor();
    await byTestId("loyalty-tasks").getByText("Group Joined ×1 · Product Shared ×2").waitFor();

    // 2. A member joins a group and shares twice.
    const key = await ingestKey("e2e");
    await key.send([
      { type: "identify", messageId: "lt-1", userId: "member-1", traits: { name: "周晓", city: "上海" } },
      { type: "track", messageId: "lt-2", userId: "member-1", event: "Group Joined", properties: {} },
      { type: "track", messageId: "lt-3", userId: "member-1", event: "Product Shared", properties: {} },
      { type: "track", messageId: "lt-4", userId: "member-1", event: "Product Shared", properties: {} },
    ]);
    const [member] = await until("the member", () => api.get<{ items: { id: string }[] }>(`${ws}/customers?q=member-1`).then((r) => r.items), (items) => items.length === 1);
    // 15 points for the task, once (the default share rule also pays 5 a share: 25 in all).
    await until(
      "the points for the task",
      () => api.get<{ items: { source: string; delta: number }[] }>(`${ws}/customers/${member!.id}/points/entries?limit=50`).then((r) => r.items.filter((e) => e.source === "task")),
      (entries) => entries.length === 1 && entries[0]!.delta === 15,
    );

    // 3. A title by rule (made through the API), judged from the Badges tab.
    await api.post(`${ws}/loyalty/badges`, { code: "shanghai", nameZh: "上海茶客", kind: "title", rule: { type: "trait", trait: "city", op: "eq", value: "上海" } });
    await page.getByRole("tab", { name: "Badges & titles" }).click();
    await byTestId("badge-evaluate-shanghai").click();
    await page.getByText("1 granted, 0 revoked; 1 holders").waitFor();
    await screenshot("02-badges");

    // 4. The customer page: the task completed, the title held.
    await page.goto(`/w/${workspaceId}/customers/${member!.id}`);
    const task = byTestId("customer-task-join_and_share");
    await task.waitFor();
    await until("the task shown completed", () => task.getAttribute("data-completed"), (v) => v === "true");
    await task.getByText("Completed").waitFor();
    await byTestId("customer-badges").getByText("上海茶客").waitFor();
    await screenshot("03-customer");
    expect(pageErrors).toEqual([]);
  });
});
