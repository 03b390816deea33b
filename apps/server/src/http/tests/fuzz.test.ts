import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
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

/** Random bodies, queries and params against every route: no answer may be a 5xx, every error has the one shape. */
let t: TestApp;
let params: Record<string, string>;
let headers: Record<string, string>[];

beforeAll(async () => {
  t = await buildTestApp();
  const ws = await createWorkspace(t, "Fuzz brand");
  const storeId = await createStore(t, ws, "FZ-001");
  const key = await createApiKey(t, ws, "admin");
  const ingest = await createApiKey(t, ws, "ingest");
  params = {
    ...(await seedCustomers(t, ws, ingest.authorization)),
    ...(await seedTags(t, ws)),
    workspaceId: ws.workspaceId,
    storeId,
    operatorId: ws.ownerId,
    apiKeyId: key.id,
    invitationId: "01890f2e-0000-7000-8000-000000000000",
    token: "x".repeat(40),
    callbackToken: "x".repeat(45),
  };
  headers = [{ cookie: ws.ownerCookie }, { authorization: key.authorization }, {}, { authorization: ingest.authorization }];
});
afterAll(() => t.close());

// Strings that PostgreSQL's text cannot hold (U+0000) among others.
const oddString = fc.string({ unit: fc.constantFrom("a", "Z", "上", "\u0000", "\\", '"', "%"), maxLength: 12 });
const randomParam = fc.oneof(
  fc.constantFrom("", "null", "undefined", "0", "-1", "%00", "..%2F..", "💥", "01890f2e-0000-7000-8000-000000000000"),
  fc.string({ maxLength: 60 }).map(encodeURIComponent),
  oddString.map(encodeURIComponent),
  fc.uuid(),
);
const randomBody = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.jsonValue({ maxDepth: 2, stringUnit: fc.constantFrom("a", "上", "\u0000") }),
  fc.dictionary(
    fc.constantFrom("name", "code", "city", "email", "role", "scope", "storeIds", "password", "timezone", "currency", "status", "x"),
    fc.jsonValue({ maxDepth: 2 }),
  ),
);
const randomQuery = fc.dictionary(
  fc.constantFrom("limit", "cursor", "q", "city", "status", "action", "zzz"),
  fc.oneof(fc.string({ maxLength: 30 }), fc.integer().map(String), oddString),
);

function checkShape(status: number, body: string, where: string) {
  expect(status, `${where} → ${body}`).toBeLessThan(500);
  if (status >= 400) {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
    expect(typeof parsed.error?.code, where).toBe("string");
    expect(typeof parsed.error?.message, where).toBe("string");
  }
}

describe("fuzzing every route", () => {
  // The walks grow with every route; on a loaded machine they outlast the default 60 s.
  it("never answers 5xx to random JSON bodies, queries and params", { timeout: 600_000 }, async () => {
    // Member routes need a member token as well: member-routes.test.ts fuzzes them with real credentials.
    const routes = apiRoutes(t.app).filter((r) => !r.url.startsWith("/member/"));
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(
          randomBody,
          randomQuery,
          fc.boolean(),
          randomParam,
          fc.integer({ min: 0, max: 3 }),
          async (body, query, useRealParams, badParam, who) => {
            const values = useRealParams ? params : Object.fromEntries(Object.keys(params).map((k) => [k, badParam || "x"]));
            const url = `${fillParams(route.url, values)}?${new URLSearchParams(query).toString()}`;
            const res = await t.app.inject({
              method: route.method as "GET",
              url,
              headers: { ...headers[who], "content-type": "application/json" },
              payload: route.method === "GET" || route.method === "DELETE" ? undefined : JSON.stringify(body),
            });
            checkShape(res.statusCode, res.body, `${route.method} ${url} ${JSON.stringify(body).slice(0, 200)}`);
          },
        ),
        { numRuns: 50 },
      );
    }
    // 50 runs per route: the walk grows with the route table.
  });

  it("never answers 5xx to raw garbage bodies and odd content types", { timeout: 600_000 }, async () => {
    const routes = apiRoutes(t.app).filter((r) => r.method !== "GET");
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.oneof(fc.string({ maxLength: 500 }), fc.constantFrom("{", "[1,2", '{"a":', "\u0000", "null", "true", "1e999")),
        fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1"),
        async (route, raw, contentType) => {
          const url = fillParams(route.url, params);
          const res = await t.app.inject({
            method: route.method as "POST",
            url,
            headers: { ...headers[0], "content-type": contentType },
            payload: raw,
          });
          checkShape(res.statusCode, res.body, `${route.method} ${url} ${contentType} ${JSON.stringify(raw).slice(0, 100)}`);
        },
      ),
      { numRuns: 500 },
    );
  });
});
