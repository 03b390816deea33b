import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addOperator,
  apiRoutes,
  buildTestApp,
  createApiKey,
  createStore,
  createWorkspace,
  fillParams,
  seedCustomers,
  seedTags,
  type TestApp,
} from "../../testing/test-app";
import { sampleBody } from "../../testing/route-samples";

/**
 * Tenancy: a person or key of workspace A must not read or change anything of
 * workspace B, through any route. The test walks the route table, so a route
 * added later is covered as soon as it exists (or fails here for a missing fixture).
 */
let t: TestApp;
const objects: Record<"A" | "B", Record<string, string>> = { A: {}, B: {} };
const creds: Record<string, Record<string, string>> = {};

beforeAll(async () => {
  t = await buildTestApp();
  for (const side of ["A", "B"] as const) {
    const ws = await createWorkspace(t, `Brand ${side}`);
    const storeId = await createStore(t, ws, `${side}-001`);
    const member = await addOperator(t, ws, "operator");
    const key = await createApiKey(t, ws, "admin");
    const ingest = await createApiKey(t, ws, "ingest");
    const invite = await t.app.inject({
      method: "POST",
      url: `/api/v1/workspaces/${ws.workspaceId}/invitations`,
      headers: { cookie: ws.ownerCookie },
      payload: { email: `invitee-${side}@example.com`, role: "analyst" },
    });
    objects[side] = {
      ...(await seedCustomers(t, ws, ingest.authorization)),
      ...(await seedTags(t, ws)),
      workspaceId: ws.workspaceId,
      storeId,
      operatorId: member.operatorId,
      apiKeyId: key.id,
      invitationId: invite.json<{ invitation: { id: string } }>().invitation.id,
    };
    creds[side] = {
      ownerCookie: ws.ownerCookie,
      adminKey: key.authorization,
      ingestKey: ingest.authorization,
    };
  }
});
afterAll(() => t.close());

const workspaceRoutes = () => apiRoutes(t.app).filter((r) => r.url.includes(":workspaceId"));

function request(method: string, url: string, headers: Record<string, string>, route = url, bodyObjects: Record<string, string> = objects.A) {
  const withBody = ["POST", "PATCH", "PUT"].includes(method);
  return t.app.inject({ method: method as "GET", url, headers, ...(withBody ? { payload: sampleBody(method, route, bodyObjects) as object } : {}) });
}

async function auditCount(side: "A" | "B") {
  const res = await t.app.inject({
    method: "GET",
    url: `/api/v1/workspaces/${objects[side].workspaceId}/audit-log?limit=200`,
    headers: { cookie: creds[side]!.ownerCookie! },
  });
  return res.json<{ items: unknown[] }>().items.length;
}

describe("workspace isolation", () => {
  it("answers 404 to A's owner and A's admin key for every route into workspace B", async () => {
    const before = await auditCount("B");
    for (const route of workspaceRoutes()) {
      const url = fillParams(route.url, objects.B);
      for (const [who, headers] of [
        ["owner session", { cookie: creds.A!.ownerCookie! }],
        ["admin key", { authorization: creds.A!.adminKey! }],
        ["ingest key", { authorization: creds.A!.ingestKey! }],
      ] as const) {
        const res = await request(route.method, url, headers);
        expect(res.statusCode, `${who}: ${route.method} ${route.url} → ${res.body}`).toBe(404);
        expect(res.json().error.code).toBe("workspaces.not_found");
      }
    }
    expect(await auditCount("B")).toBe(before);
  });

  it("answers 404 for B's objects addressed through A's own workspace", async () => {
    const before = await auditCount("B");
    const routes = workspaceRoutes().filter((r) => (r.url.match(/:/g) ?? []).length > 1);
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) {
      const intoA = { ...objects.B, workspaceId: objects.A.workspaceId! };
      const url = fillParams(route.url, intoA);
      const callers: Record<string, string>[] = [{ cookie: creds.A!.ownerCookie! }, { authorization: creds.A!.adminKey! }];
      for (const headers of callers) {
        const res = await request(route.method, url, headers, route.url, intoA);
        if (res.statusCode === 403) continue; // admin keys may not touch operators or keys at all
        expect(res.statusCode, `${route.method} ${route.url} → ${res.body}`).toBe(404);
      }
    }
    expect(await auditCount("B")).toBe(before);
  });

  it("still lets A reach A's own objects (the walk above is not vacuous)", async () => {
    for (const route of workspaceRoutes().filter((r) => r.method === "GET")) {
      const res = await request(route.method, fillParams(route.url, objects.A), { cookie: creds.A!.ownerCookie! });
      expect(res.statusCode, `${route.method} ${route.url} → ${res.body}`).toBe(200);
    }
  });

  it("answers 401 without credentials on every non-public route", async () => {
    for (const route of apiRoutes(t.app).filter((r) => r.auth !== "public")) {
      const res = await request(route.method, fillParams(route.url, objects.A), {});
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(res.json().error.code).toBe("auth.unauthenticated");
    }
  });

  it("answers 403 to an ingest key on every admin route of its own workspace", async () => {
    for (const route of workspaceRoutes()) {
      const res = await request(route.method, fillParams(route.url, objects.A), { authorization: creds.A!.ingestKey! });
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(403);
    }
  });
});
