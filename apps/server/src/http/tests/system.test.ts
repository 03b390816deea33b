import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../../testing/test-app";

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

describe("health and metrics", () => {
  it("/healthz says the process is up and /readyz checks both stores", async () => {
    expect((await t.app.inject({ method: "GET", url: "/healthz" })).json()).toEqual({ status: "ok" });
    const ready = await t.app.inject({ method: "GET", url: "/readyz" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: "ready", checks: { database: true, warehouse: true } });
  });

  it("/metrics exposes Prometheus text with request counts per route", async () => {
    await t.app.inject({ method: "GET", url: "/api/v1/me" });
    const res = await t.app.inject({ method: "GET", url: "/metrics" });
    expect(res.headers["content-type"]).toContain("text/plain");
    expect(res.body).toMatch(/siyu_http_requests_total\{route="\/api\/v1\/me",method="GET",status="401"\} \d+/);
    expect(res.body).toContain("siyu_http_request_duration_seconds_bucket");
    expect(res.body).toContain("siyu_process_cpu_seconds_total");
  });

  it("/readyz answers 503 once a store is gone", async () => {
    const broken = await buildTestApp({ readiness: { database: async () => false } });
    try {
      const res = await broken.app.inject({ method: "GET", url: "/readyz" });
      expect(res.statusCode).toBe(503);
      expect(res.json().status).toBe("unavailable");
    } finally {
      await broken.close();
    }
  });
});
