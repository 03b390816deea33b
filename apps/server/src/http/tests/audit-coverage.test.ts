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
  type TestWorkspace,
} from "../../testing/test-app";
import { hasSampleBody, sampleBody } from "../../testing/route-samples";

/**
 * Every mutating admin route leaves an audit entry naming its target. The test
 * walks the route table: a new mutating route fails here until it has a sample
 * body in testing/route-samples.ts — and then it is checked like the rest.
 */

let t: TestApp;
let ws: TestWorkspace;
let serial = 0;

beforeAll(async () => {
  t = await buildTestApp();
  ws = await createWorkspace(t, "Audit brand");
});
afterAll(() => t.close());

async function freshObjects(): Promise<Record<string, string>> {
  serial += 1;
  const invitation = await t.app.inject({
    method: "POST",
    url: `/api/v1/workspaces/${ws.workspaceId}/invitations`,
    headers: { cookie: ws.ownerCookie },
    payload: { email: `fresh-${serial}@example.com`, role: "analyst" },
  });
  return {
    ...(await seedCustomers(t, ws, (await createApiKey(t, ws, "ingest")).authorization)),
    ...(await seedTags(t, ws)),
    workspaceId: ws.workspaceId,
    storeId: await createStore(t, ws, `FR-${serial}`),
    operatorId: (await addOperator(t, ws, "operator", [], { login: false })).operatorId,
    apiKeyId: (await createApiKey(t, ws, "ingest")).id,
    invitationId: invitation.json<{ invitation: { id: string } }>().invitation.id,
  };
}

/** A member for the operator routes; no login, so the walk stays under the login rate limit however many routes there are. */
async function newestEntry() {
  const res = await t.app.inject({
    method: "GET",
    url: `/api/v1/workspaces/${ws.workspaceId}/audit-log?limit=1`,
    headers: { cookie: ws.ownerCookie },
  });
  return res.json<{ items: { id: string; action: string; targetId: string | null; actorName: string }[] }>().items[0]!;
}

describe("audit coverage", () => {
  // A fresh set of objects per route: the walk grows with every route and outlasts the default 60 s on a loaded machine.
  it("every mutating workspace route writes an audit entry about its target", { timeout: 600_000 }, async () => {
    // Data-plane writes (events, orders) declare audited: false: they land in the event log instead.
    const routes = apiRoutes(t.app).filter((r) => r.url.includes(":workspaceId") && r.method !== "GET" && r.audited !== false);
    expect(routes.length).toBeGreaterThanOrEqual(10);
    for (const route of routes) {
      const name = `${route.method} ${route.url}`;
      const objects = await freshObjects();
      const before = await newestEntry();
      const withBody = ["POST", "PATCH", "PUT"].includes(route.method);
      if (withBody) expect(hasSampleBody(route.method, route.url), `add a sample body for ${name}`).toBe(true);
      const res = await t.app.inject({
        method: route.method as "POST",
        url: fillParams(route.url, objects),
        headers: { cookie: ws.ownerCookie },
        ...(withBody ? { payload: sampleBody(route.method, route.url, objects) as object } : {}),
      });
      expect(res.statusCode, `${name} → ${res.body}`).toBeLessThan(300);
      const after = await newestEntry();
      expect(after.id, `${name} wrote no audit entry`).not.toBe(before.id);
      expect(after.actorName).toBe("Audit brand owner");
      const target = route.url.match(/:(\w+Id)$/)?.[1];
      if (target && target !== "workspaceId" && target !== "mergeId") expect(after.targetId, name).toBe(objects[target]);
    }
    // The walk seeds fresh objects for every mutating route, so it grows with the route table.
  });
});
