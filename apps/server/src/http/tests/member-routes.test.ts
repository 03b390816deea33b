import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiRoutes, buildTestApp, createApiKey, createWorkspace, seedCustomers, type TestApp } from "../../testing/test-app";
import { sampleBody } from "../../testing/route-samples";

/**
 * The member API (/member/v1/*) walked from the route table, so a feature's new member endpoint is
 * covered as soon as it is registered: it needs both credentials, refuses other workspaces' tokens,
 * shows nothing of another member, and answers random input with a 4xx, never a 5xx.
 */
let t: TestApp;
const sides: Record<"A" | "B", { ingestKey: string; token: string; objects: Record<string, string> }> = {} as never;
let otherMemberToken: string;

beforeAll(async () => {
  t = await buildTestApp();
  for (const side of ["A", "B"] as const) {
    const ws = await createWorkspace(t, `Member walk ${side}`);
    const ingest = await createApiKey(t, ws, "ingest");
    const admin = await createApiKey(t, ws, "admin");
    const objects = { ...(await seedCustomers(t, ws, ingest.authorization)), workspaceId: ws.workspaceId };
    const issue = async (profileId: string) => {
      const [identifier] = await t.services.identity.identifiersOf({ workspaceId: ws.workspaceId, actor: { type: "system", id: null, name: "t" }, storeIds: null, ip: null }, profileId);
      const res = await t.app.inject({
        method: "POST",
        url: `/api/v1/workspaces/${ws.workspaceId}/member-tokens`,
        headers: { authorization: admin.authorization },
        payload: { identifier: { type: identifier!.type, value: identifier!.value } },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ token: string }>().token;
    };
    sides[side] = { ingestKey: ingest.secret, token: await issue(objects.profileId), objects };
    if (side === "A") {
      // A second member of A, with points of their own, for the own-data check.
      const other = await seedCustomers(t, ws, ingest.authorization);
      otherMemberToken = await issue(other.profileId);
      sides.A.objects.otherProfileId = other.profileId;
    }
  }
});
afterAll(() => t.close());

const memberRoutes = () => apiRoutes(t.app).filter((r) => r.url.startsWith("/member/") && r.method !== "OPTIONS");

function call(method: string, url: string, headers: Record<string, string>, payload?: unknown) {
  const withBody = method === "POST" || method === "PUT" || method === "PATCH";
  return t.app.inject({
    method: method as "GET",
    url,
    headers: { ...headers, ...(withBody ? { "content-type": "application/json" } : {}) },
    ...(withBody ? { payload: JSON.stringify(payload ?? sampleBody(method, url.split("?")[0]!, sides.A.objects)) } : {}),
  });
}
const creds = (key: string, token?: string): Record<string, string> => ({ "x-siyu-ingest-key": key, ...(token ? { authorization: `Bearer ${token}` } : {}) });

describe("member route walk", () => {
  it("there are member routes, and each answers its own member with a 2xx or a specific 4xx", async () => {
    expect(memberRoutes().length).toBeGreaterThanOrEqual(9);
    for (const route of memberRoutes()) {
      const res = await call(route.method, route.url, creds(sides.A.ingestKey, sides.A.token));
      expect(res.statusCode, `${route.method} ${route.url} → ${res.body}`).toBeLessThan(500);
      if (route.method === "GET") expect(res.statusCode, `${route.method} ${route.url} → ${res.body}`).toBe(200);
      else if (res.statusCode >= 400) expect(res.json<{ error: { code: string } }>().error.code, route.url).toMatch(/^loyalty\./);
    }
  });

  it("401 without a key or without a token; 403 for another workspace's token", async () => {
    for (const route of memberRoutes()) {
      const name = `${route.method} ${route.url}`;
      const none = await call(route.method, route.url, {});
      expect(none.statusCode, name).toBe(401);
      expect(none.json<{ error: { code: string } }>().error.code).toBe("auth.unauthenticated");
      const keyOnly = await call(route.method, route.url, creds(sides.A.ingestKey));
      expect(keyOnly.json<{ error: { code: string } }>().error.code, name).toBe("member.token_missing");
      const tokenOnly = await call(route.method, route.url, { authorization: `Bearer ${sides.A.token}` });
      expect(tokenOnly.json<{ error: { code: string } }>().error.code, name).toBe("auth.unauthenticated");
      for (const [key, token] of [
        [sides.A.ingestKey, sides.B.token],
        [sides.B.ingestKey, sides.A.token],
      ] as const) {
        const crossed = await call(route.method, route.url, creds(key, token));
        expect(crossed.statusCode, `${name} → ${crossed.body}`).toBe(403);
        expect(crossed.json<{ error: { code: string } }>().error.code).toBe("member.wrong_workspace");
      }
    }
  });

  it("no GET answer of one member contains another member's profile id, and no route takes a customer parameter", async () => {
    for (const route of memberRoutes().filter((r) => r.method === "GET")) {
      const res = await call(route.method, route.url, creds(sides.A.ingestKey, otherMemberToken));
      expect(res.statusCode).toBe(200);
      expect(res.body, route.url).not.toContain(sides.A.objects.profileId);
      const named = await call(route.method, `${route.url}?profileId=${sides.A.objects.profileId}`, creds(sides.A.ingestKey, otherMemberToken));
      expect(named.statusCode, route.url).toBe(400);
    }
  });

  it("never answers 5xx to random bodies and queries with valid credentials", async () => {
    const headers = creds(sides.A.ingestKey, sides.A.token);
    const randomBody = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.dictionary(fc.constantFrom("templateId", "idempotencyKey", "profileId", "status", "x"), fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.uuid(), fc.constant(sides.A.objects.templateId!))),
    );
    const randomQuery = fc.dictionary(fc.constantFrom("limit", "cursor", "status", "profileId", "zzz"), fc.oneof(fc.string({ maxLength: 30 }), fc.integer().map(String), fc.uuid()));
    for (const route of memberRoutes()) {
      await fc.assert(
        fc.asyncProperty(randomBody, randomQuery, async (body, query) => {
          const url = `${route.url}?${new URLSearchParams(query).toString()}`;
          const res = await call(route.method, url, headers, body);
          expect(res.statusCode, `${route.method} ${url} ${JSON.stringify(body).slice(0, 200)} → ${res.body}`).toBeLessThan(500);
          expect(res.statusCode, "the walk must not hit the rate limit").not.toBe(429);
          if (res.statusCode >= 400) {
            const parsed = res.json<{ error?: { code?: unknown; message?: unknown } }>();
            expect(typeof parsed.error?.code).toBe("string");
            expect(typeof parsed.error?.message).toBe("string");
          }
        }),
        { numRuns: 40 },
      );
    }
    const garbage = await t.app.inject({ method: "POST", url: "/member/v1/coupons/claims", headers: { ...headers, "content-type": "application/json" }, payload: '{"templateId":' });
    expect(garbage.statusCode).toBe(400);
  });

  it("answers CORS preflights for H5 pages", async () => {
    const res = await t.app.inject({ method: "OPTIONS", url: "/member/v1/points", headers: { origin: "https://h5.brand.example", "access-control-request-method": "GET" } });
    expect(res.statusCode).toBe(204);
    expect(res.headers["access-control-allow-headers"]).toContain("x-siyu-ingest-key");
  });
});
