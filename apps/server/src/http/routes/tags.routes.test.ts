import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addOperator, buildTestApp, createApiKey, createWorkspace, seedCustomers, type TestApp, type TestWorkspace } from "../../testing/test-app";

let t: TestApp;
let ws: TestWorkspace;
let profileId: string;
let analystCookie: string;

beforeAll(async () => {
  t = await buildTestApp();
  ws = await createWorkspace(t, "Tag brand");
  ({ profileId } = await seedCustomers(t, ws, (await createApiKey(t, ws, "ingest")).authorization));
  analystCookie = (await addOperator(t, ws, "analyst")).cookie;
});
afterAll(() => t.close());

const url = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;

function call(method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE", path: string, payload?: unknown, cookie = ws.ownerCookie) {
  return t.app.inject({ method, url: url(path), headers: { cookie }, ...(payload === undefined ? {} : { payload: payload as object }) });
}

describe("tag routes", () => {
  it("create, assign by identifier, show on the customer, and list with holder counts", async () => {
    const group = await call("POST", "/tag-groups", { name: "Channel", exclusive: true });
    expect(group.statusCode, group.body).toBe(201);
    const created = await call("POST", "/tags", { kind: "manual", name: "WeCom friend", groupId: group.json().id, color: "#52c41a" });
    expect(created.statusCode, created.body).toBe(201);
    const tagId = created.json<{ id: string }>().id;

    const assigned = await call("POST", `/tags/${tagId}/assign`, { profileIds: [profileId], identifiers: [{ type: "phone", value: "13700000000" }] });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(assigned.json()).toMatchObject({ changed: 1, unknown: 1, items: [{ status: "changed" }, { status: "unknown_profile" }] });

    const mine = await call("GET", `/customers/${profileId}/tags`, undefined, analystCookie);
    expect(mine.statusCode).toBe(200);
    expect(mine.json().items).toEqual([expect.objectContaining({ tagId, name: "WeCom friend", groupName: "Channel", source: "manual", addedBy: "Tag brand owner" })]);

    const list = await call("GET", "/tags", undefined, analystCookie);
    expect(list.json().tags).toEqual([expect.objectContaining({ id: tagId, holders: 1, kind: "manual" })]);

    const removed = await call("DELETE", `/customers/${profileId}/tags/${tagId}`);
    expect(removed.statusCode).toBe(204);
    const added = await call("PUT", `/customers/${profileId}/tags/${tagId}`);
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json().items).toHaveLength(1);
  });

  it("imports a CSV upload and reports bad rows", async () => {
    await call("POST", "/tags", { kind: "manual", name: "Imported" });
    const res = await t.app.inject({
      method: "POST",
      url: url("/tags/import?fileName=list.csv"),
      headers: { cookie: ws.ownerCookie, "content-type": "text/csv; charset=utf-8" },
      payload: "identifier_type,identifier_value,tag\nuser_id,nobody,Imported\nphone,x,Imported\n",
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      rows: 2,
      added: 0,
      rejected: 2,
      errors: [
        { line: 2, field: "identifier_value", reason: "no customer has this user_id" },
        { line: 3, field: "identifier_value", reason: "is not a valid phone number" },
      ],
    });
    const bad = await t.app.inject({ method: "POST", url: url("/tags/import"), headers: { cookie: ws.ownerCookie, "content-type": "text/csv" }, payload: "a,b\n1,2\n" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: "tags.invalid_csv", details: { field: "tag" } });
  });

  it("answers 400 naming the field for bad input", async () => {
    const noName = await call("POST", "/tags", { kind: "manual" });
    expect(noName.statusCode).toBe(400);
    expect(noName.body).toContain("name");
    const badLevels = await call("POST", "/tags", {
      kind: "quantile",
      name: "high",
      groupId: "01890f2e-0000-7000-8000-000000000000",
      definition: { metric: "total_spend", levels: [{ tagName: "high", topPercent: 80 }, { tagName: "low", topPercent: 40 }] },
    });
    expect(badLevels.statusCode).toBe(400);
    expect(badLevels.body).toContain("levels");
    const tag = (await call("POST", "/tags", { kind: "manual", name: "Empty body" })).json<{ id: string }>();
    const empty = await call("POST", `/tags/${tag.id}/assign`, {});
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain("profileIds");
    const manual = await call("POST", `/tags/${tag.id}/recompute`, {});
    expect(manual.statusCode).toBe(409);
    expect(manual.json().error.code).toBe("tags.not_computed");
    const rule = await call("POST", "/tags", { kind: "rule", name: "Bad rule", definition: { rule: { type: "event", event: "x" } } });
    expect(rule.statusCode).toBe(400);
    expect(rule.body).toContain("definition");
  });

  it("lets an analyst read but not change tags (segments.read, not segments.manage)", async () => {
    expect((await call("GET", "/tags", undefined, analystCookie)).statusCode).toBe(200);
    const denied = await call("POST", "/tags", { kind: "manual", name: "Nope" }, analystCookie);
    expect(denied.statusCode).toBe(403);
    const tag = (await call("POST", "/tags", { kind: "manual", name: "Owner's" })).json<{ id: string }>();
    expect((await call("POST", `/tags/${tag.id}/assign`, { profileIds: [profileId] }, analystCookie)).statusCode).toBe(403);
    expect((await call("DELETE", `/customers/${profileId}/tags/${tag.id}`, undefined, analystCookie)).statusCode).toBe(403);
    expect((await call("PATCH", "/tags/settings", { recomputeIntervalMinutes: 60 }, analystCookie)).statusCode).toBe(403);
  });
});
