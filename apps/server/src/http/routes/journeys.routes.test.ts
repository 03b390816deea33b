import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InvalidGraphDetailsDto, JourneyDto, JourneyEntriesResultDto, JourneyReportDto, JourneyRunListDto, JourneyTaskListDto } from "@siyu/contracts";
import { addOperator, buildTestApp, createApiKey, createStore, createWorkspace, seedCustomers, type TestApp, type TestWorkspace } from "../../testing/test-app";

let t: TestApp;
let ws: TestWorkspace;
let profileId: string;

beforeAll(async () => {
  t = await buildTestApp();
  ws = await createWorkspace(t, "Journeys brand");
  profileId = (await seedCustomers(t, ws, (await createApiKey(t, ws, "ingest")).authorization)).profileId;
});
afterAll(() => t.close());

const url = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;
const call = (method: "GET" | "POST" | "PUT" | "DELETE", path: string, payload?: unknown, cookie = ws.ownerCookie) =>
  t.app.inject({ method, url: url(path), headers: { cookie }, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });

const at = { x: 0, y: 0 };
const welcome = (extra: Record<string, unknown>[] = [], edges: { from: string; to: string; handle?: string }[] = [{ from: "t", to: "pts" }, { from: "pts", to: "end" }]) => ({
  name: "Welcome",
  graph: {
    nodes: [
      { id: "t", type: "trigger", position: at, trigger: { kind: "api" } },
      { id: "pts", type: "action", position: at, action: { kind: "award_points", points: 10, reason: "Welcome" } },
      { id: "end", type: "exit", position: at },
      ...extra,
    ],
    edges,
  },
});

describe("journeys routes", () => {
  it("create → validate → publish → enter (idempotent) → runs → report; pause refuses entries", async () => {
    const created = await call("POST", "/journeys", welcome());
    expect(created.statusCode).toBe(201);
    const j = created.json<JourneyDto>();
    expect(j).toMatchObject({ status: "draft", liveVersion: null, hasDraftChanges: true });
    expect((await call("POST", `/journeys/${j.id}/validate`, {})).json<InvalidGraphDetailsDto>()).toEqual({ problems: [] });
    // Entries need a live journey.
    const early = await call("POST", `/journeys/${j.id}/entries`, { entries: [{ profileId, idempotencyKey: "e1" }] });
    expect([early.statusCode, early.json().error.code]).toEqual([409, "journeys.not_live"]);
    const published = await call("POST", `/journeys/${j.id}/publish`, {});
    expect(published.json<JourneyDto>()).toMatchObject({ status: "live", liveVersion: 1, hasDraftChanges: false });
    const entered = await call("POST", `/journeys/${j.id}/entries`, { entries: [{ profileId, idempotencyKey: "e1" }] });
    expect(entered.json<JourneyEntriesResultDto>().items[0]).toMatchObject({ status: "started" });
    const again = await call("POST", `/journeys/${j.id}/entries`, { entries: [{ profileId, idempotencyKey: "e1" }] });
    expect(again.json<JourneyEntriesResultDto>().items[0]!.runId).toBe(entered.json<JourneyEntriesResultDto>().items[0]!.runId);
    const runs = (await call("GET", `/journeys/${j.id}/runs`)).json<JourneyRunListDto>();
    expect(runs.items).toMatchObject([{ profileId, status: "completed", version: 1 }]);
    const report = (await call("GET", `/journeys/${j.id}/report`)).json<JourneyReportDto>();
    expect(report).toMatchObject({ entered: 1, inProgress: 0 });
    expect((await call("POST", `/journeys/${j.id}/pause`, {})).json<JourneyDto>().status).toBe("paused");
    expect((await call("POST", `/journeys/${j.id}/entries`, { entries: [{ profileId, idempotencyKey: "e2" }] })).statusCode).toBe(409);
    // Customers entered: delete is refused, archive ends it.
    const del = await call("DELETE", `/journeys/${j.id}`);
    expect([del.statusCode, del.json().error.code]).toEqual([409, "journeys.not_draft"]);
    expect((await call("POST", `/journeys/${j.id}/archive`, {})).json<JourneyDto>().status).toBe("archived");
  });

  it("publish is refused with 422 naming the nodes: unreachable, dangling handle, unknown tag, split percent", async () => {
    const bad = welcome(
      [
        { id: "lost", type: "exit", position: at },
        { id: "tag", type: "action", position: at, action: { kind: "add_tag", tagId: "0190a000-0000-7000-8000-000000000000" } },
        { id: "s", type: "split", position: at, branches: [{ key: "a", percent: 30 }, { key: "b", percent: 30 }] },
      ],
      [{ from: "t", to: "pts" }, { from: "pts", to: "s" }, { from: "s", to: "tag", handle: "a" }, { from: "s", to: "end", handle: "b" }],
    );
    const j = (await call("POST", "/journeys", bad)).json<JourneyDto>();
    const res = await call("POST", `/journeys/${j.id}/publish`, {});
    expect(res.statusCode).toBe(422);
    const body = res.json<{ error: { code: string; details: InvalidGraphDetailsDto } }>();
    expect(body.error.code).toBe("journeys.invalid_graph");
    const problems = body.error.details.problems.map((p) => `${p.code}@${p.nodeId}`).sort();
    expect(problems).toEqual(["dangling_handle@tag", "split_percent@s", "unknown_reference@tag", "unreachable@lost"]);
    expect((await call("GET", `/journeys/${j.id}`)).json<JourneyDto>()).toMatchObject({ status: "draft", liveVersion: null });
  });

  it("4xx: bad bodies name the field, unknown ids are 404, an analyst cannot manage, unknown customers are 422", async () => {
    const noName = await call("POST", "/journeys", { ...welcome(), name: "" });
    expect(noName.statusCode).toBe(400);
    const badNode = await call("POST", "/journeys", { name: "x", graph: { nodes: [{ id: "bad id!", type: "exit", position: at }], edges: [] } });
    expect(badNode.statusCode).toBe(400);
    expect((await call("GET", "/journeys/0190a000-0000-7000-8000-000000000000")).statusCode).toBe(404);
    expect((await call("GET", "/journeys/not-a-uuid")).statusCode).toBe(400);
    const analyst = await addOperator(t, ws, "analyst");
    expect((await call("GET", "/journeys", undefined, analyst.cookie)).statusCode).toBe(200);
    expect((await call("POST", "/journeys", welcome(), analyst.cookie)).statusCode).toBe(403);
    const j = (await call("POST", "/journeys", welcome())).json<JourneyDto>();
    await call("POST", `/journeys/${j.id}/publish`, {});
    const unknown = await call("POST", `/journeys/${j.id}/entries`, { entries: [{ profileId: "0190a000-0000-7000-8000-000000000000", idempotencyKey: "x" }] });
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([422, "journeys.unknown_profile"]);
    const noTask = await call("POST", "/journey-tasks/0190a000-0000-7000-8000-000000000000/complete", {});
    expect(noTask.statusCode).toBe(404);
    // A draft nobody entered can be deleted.
    const draft = (await call("POST", "/journeys", welcome())).json<JourneyDto>();
    expect((await call("DELETE", `/journeys/${draft.id}`)).statusCode).toBe(204);
    expect((await call("GET", `/journeys/${draft.id}`)).statusCode).toBe(404);
  });

  it("store tasks: a store manager sees and completes only their stores' tasks", async () => {
    const storeId = await createStore(t, ws, "JT-1");
    const j = (
      await call("POST", "/journeys", {
        ...welcome(),
        graph: {
          nodes: [
            { id: "t", type: "trigger", position: at, trigger: { kind: "api" } },
            { id: "task", type: "action", position: at, action: { kind: "store_task", title: "Call", storeId } },
            { id: "end", type: "exit", position: at },
          ],
          edges: [{ from: "t", to: "task" }, { from: "task", to: "end" }],
        },
      })
    ).json<JourneyDto>();
    await call("POST", `/journeys/${j.id}/publish`, {});
    await call("POST", `/journeys/${j.id}/entries`, { entries: [{ profileId, idempotencyKey: "task" }] });
    const mine = await addOperator(t, ws, "store_manager", [storeId]);
    const other = await addOperator(t, ws, "store_manager", [await createStore(t, ws, "JT-2")]);
    const seen = (await call("GET", "/journey-tasks?status=open", undefined, mine.cookie)).json<JourneyTaskListDto>();
    expect(seen.items.map((x) => x.storeId)).toEqual([storeId]);
    expect((await call("GET", "/journey-tasks", undefined, other.cookie)).json<JourneyTaskListDto>().items).toEqual([]);
    expect((await call("POST", `/journey-tasks/${seen.items[0]!.id}/complete`, {}, other.cookie)).statusCode).toBe(404);
    const done = await call("POST", `/journey-tasks/${seen.items[0]!.id}/complete`, {}, mine.cookie);
    expect(done.json()).toMatchObject({ status: "done" });
  });
});
