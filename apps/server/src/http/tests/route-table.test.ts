import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiRoutes, buildTestApp, type TestApp } from "../../testing/test-app";

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

describe("route table", () => {
  it("every API route declares an auth mode, a response schema and — for workspace routes — a permission", () => {
    const routes = apiRoutes(t.app);
    expect(routes.length).toBeGreaterThan(15);
    for (const route of routes) {
      const name = `${route.method} ${route.url}`;
      expect(route.auth, name).toMatch(/^(public|session|workspace|ingest|member)$/);
      expect(route.schema?.response, `${name} has no response schema`).toBeTruthy();
      if (route.url.includes(":workspaceId")) {
        expect(route.auth, name).toBe("workspace");
        expect(route.permission, name).toBeTruthy();
        expect(route.schema?.params, `${name} validates no params`).toBeTruthy();
      }
      if (route.url.startsWith("/member/") && route.method !== "OPTIONS") {
        // The member API: one auth for all of it, and no parameter can name another customer.
        expect(route.auth, name).toBe("member");
        expect(route.audited, name).toBe(false);
        expect(route.url, name).not.toMatch(/:/);
      }
      if (["POST", "PATCH", "PUT"].includes(route.method) && !route.url.endsWith("/logout")) {
        expect(route.schema?.body, `${name} validates no body`).toBeTruthy();
      }
    }
  });

  it("every API route is documented in the OpenAPI 3.1 document", async () => {
    const res = await t.app.inject({ method: "GET", url: "/openapi.json" });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
    expect(doc.openapi).toBe("3.1.0");
    for (const route of apiRoutes(t.app).filter((r) => !(r.schema as { hide?: boolean } | undefined)?.hide)) {
      const path = route.url.replace(/:([A-Za-z]+)/g, "{$1}");
      expect(doc.paths[path]?.[route.method.toLowerCase()], `${route.method} ${path} missing from OpenAPI`).toBeTruthy();
    }
  });

  it("serves the interactive API docs page", async () => {
    const res = await t.app.inject({ method: "GET", url: "/docs/" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/html");
  });
});
