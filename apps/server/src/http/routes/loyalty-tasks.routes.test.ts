import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addOperator, buildTestApp, createApiKey, createWorkspace, seedCustomers, type TestApp, type TestWorkspace } from "../../testing/test-app";

let t: TestApp;
let ws: TestWorkspace;
let base: string;
let ingest: string;

beforeAll(async () => {
  t = await buildTestApp();
  ws = await createWorkspace(t, "Tasks API brand");
  ingest = (await createApiKey(t, ws, "ingest")).authorization;
  await seedCustomers(t, ws, ingest);
  base = `/api/v1/workspaces/${ws.workspaceId}`;
});
afterAll(() => t.close());

function call(method: "GET" | "POST" | "PUT" | "DELETE", url: string, payload?: object, cookie = ws.ownerCookie) {
  return t.app.inject({ method, url: `${base}${url}`, headers: { cookie }, ...(payload ? { payload } : {}) });
}
function expectError(res: { statusCode: number; body: string; json(): unknown }, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect((res.json() as { error: { code: string } }).error.code).toBe(code);
}
const task = (extra: Record<string, unknown> = {}) => ({ code: "share_daily", nameZh: "每日分享", nameEn: "Share daily", kind: "daily", steps: [{ kind: "event", event: "Product Shared" }], rewardPoints: 5, ...extra });

describe("tasks and badges API", () => {
  it("creates a task, counts a member's events towards it and shows the completion on the customer", async () => {
    const created = await call("POST", "/loyalty/tasks", task());
    expect(created.statusCode, created.body).toBe(201);
    const taskId = created.json<{ id: string }>().id;
    const sent = await t.app.inject({
      method: "POST",
      url: "/v1/batch",
      headers: { authorization: ingest },
      payload: { batch: [{ type: "track", messageId: "share-1", userId: "sharer", event: "Product Shared", properties: {} }] },
    });
    expect(sent.statusCode).toBe(200);
    while ((await t.services.projectNextBatch()) > 0);
    while ((await t.services.tasksNextBatch()) > 0);
    const ctx = { workspaceId: ws.workspaceId, actor: { type: "system" as const, id: null, name: "test" }, storeIds: null, ip: null };
    const sharer = (await t.services.profiles.list(ctx, { limit: 5, q: "sharer" }, await t.services.identity.settings(ws.workspaceId))).items[0]!.id;
    const mine = await call("GET", `/customers/${sharer}/tasks`);
    expect(mine.statusCode).toBe(200);
    const item = mine.json<{ items: { task: { id: string }; completedAt: string | null; reward: { points: number } | null }[] }>().items.find((i) => i.task.id === taskId)!;
    expect(item.completedAt).not.toBeNull();
    expect(item.reward).toMatchObject({ points: 5 });
    // Replace, then archive: gone from the list.
    expect((await call("PUT", `/loyalty/tasks/${taskId}`, task({ status: "paused" }))).json()).toMatchObject({ status: "paused" });
    expect((await call("DELETE", `/loyalty/tasks/${taskId}`)).statusCode).toBe(204);
    expectError(await call("GET", `/loyalty/tasks/${taskId}`), 404, "loyalty.task_not_found");
  });

  it("refuses bad task definitions with the field named or a specific code", async () => {
    const badCount = await call("POST", "/loyalty/tasks", task({ code: "bad_count", steps: [{ kind: "event", event: "Product Shared", count: 0 }] }));
    expectError(badCount, 400, "request.invalid");
    expect(JSON.stringify(badCount.json())).toContain("steps.0.count");
    const noWindow = await call("POST", "/loyalty/tasks", task({ code: "no_window", kind: "new_member" }));
    expectError(noWindow, 400, "request.invalid");
    expect(JSON.stringify(noWindow.json())).toContain("windowDays");
    const badFilter = await call("POST", "/loyalty/tasks", task({ code: "bad_filter", steps: [{ kind: "event", event: "X", filters: [{ property: "", value: 1 }] }] }));
    expectError(badFilter, 400, "request.invalid");
    expect(JSON.stringify(badFilter.json())).toContain("steps.0.filters.0.property");
    expectError(await call("POST", "/loyalty/tasks", task({ code: "ghost_coupon", rewardTemplateId: "0190a000-0000-7000-8000-000000000099" })), 422, "loyalty.unknown_reward_template");
    expect((await call("POST", "/loyalty/tasks", task({ code: "twice" }))).statusCode).toBe(201);
    expectError(await call("POST", "/loyalty/tasks", task({ code: "twice" })), 409, "loyalty.code_taken");
    expectError(await call("GET", "/loyalty/tasks/0190a000-0000-7000-8000-000000000099"), 404, "loyalty.task_not_found");
  });

  it("creates, evaluates and lists badges; a bad rule is 400 naming the path; analysts read only", async () => {
    const badge = await call("POST", "/loyalty/badges", { code: "buyer", nameZh: "年度挚爱茶客", kind: "title", rule: { type: "trait", trait: "order_count", op: "gte", value: 1 } });
    expect(badge.statusCode, badge.body).toBe(201);
    const badgeId = badge.json<{ id: string }>().id;
    const evaluated = await call("POST", `/loyalty/badges/${badgeId}/evaluation`, {});
    expect(evaluated.statusCode, evaluated.body).toBe(200);
    expect(evaluated.json<{ holders: number }>().holders).toBeGreaterThanOrEqual(1);
    const list = await call("GET", "/loyalty/badges");
    expect(list.json<{ items: { id: string; holders: number }[] }>().items.find((b) => b.id === badgeId)!.holders).toBeGreaterThanOrEqual(1);
    const bad = await call("POST", "/loyalty/badges", { code: "bad_rule", nameZh: "坏", rule: { type: "and", rules: [{ type: "trait", trait: "order_count", op: "gte", value: "many" }] } });
    expect(bad.statusCode, bad.body).toBe(400);
    expect(bad.body).toContain("rules");
    const analyst = await addOperator(t, ws, "analyst");
    expect((await call("GET", "/loyalty/badges", undefined, analyst.cookie)).statusCode).toBe(200);
    expect((await call("POST", `/loyalty/badges/${badgeId}/evaluation`, {}, analyst.cookie)).statusCode).toBe(403);
    expectError(await call("POST", "/loyalty/badges/0190a000-0000-7000-8000-000000000099/evaluation", {}), 404, "loyalty.badge_not_found");
  });
});
