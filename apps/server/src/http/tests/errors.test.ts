import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, createStore, createWorkspace, type TestApp, type TestWorkspace } from "../../testing/test-app";

let t: TestApp;
let ws: TestWorkspace;
let storesUrl: string;

beforeAll(async () => {
  t = await buildTestApp();
  ws = await createWorkspace(t, "Errors brand");
  storesUrl = `/api/v1/workspaces/${ws.workspaceId}/stores`;
});
afterAll(() => t.close());

function post(payload: string | object, contentType = "application/json") {
  return t.app.inject({
    method: "POST",
    url: storesUrl,
    headers: { cookie: ws.ownerCookie, "content-type": contentType },
    payload: typeof payload === "string" ? payload : JSON.stringify(payload),
  });
}

describe("bad input gets a clear 4xx in the one error shape", () => {
  it("malformed JSON → 400 request.malformed", async () => {
    const res = await post('{"code": "X-1",');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe("request.malformed");
  });

  it("wrong types → 400 naming each field", async () => {
    const res = await post({ code: 12, name: "ok", city: ["上海"] });
    expect(res.statusCode).toBe(400);
    const error = res.json().error;
    expect(error.code).toBe("request.invalid");
    expect(error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(["body.code", "body.city"]));
  });

  it("a NUL character (U+0000), which the store cannot hold → 400 naming the field, and nothing is written", async () => {
    const res = await post({ code: "NUL-1", name: "Nul\u0000store", city: "上海" });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toEqual({
      code: "request.invalid",
      message: "body.name: contains the NUL character (U+0000), which cannot be stored",
      details: [{ path: "body.name", message: "contains the NUL character (U+0000), which cannot be stored" }],
    });
    const list = await t.app.inject({ method: "GET", url: storesUrl, headers: { cookie: ws.ownerCookie } });
    expect(JSON.stringify(list.json())).not.toContain("NUL-1");
  });

  it("a NUL character in a query value → 400 naming it (a customer search with one was a 500)", async () => {
    const search = await t.app.inject({ method: "GET", url: `/api/v1/workspaces/${ws.workspaceId}/customers?q=a%00b`, headers: { cookie: ws.ownerCookie } });
    expect(search.statusCode).toBe(400);
    expect(search.json().error.details).toEqual([{ path: "query.q", message: "contains the NUL character (U+0000), which cannot be stored" }]);
  });

  it("unknown fields → 400 naming the field", async () => {
    const res = await post({ code: "X-2", name: "ok", city: "上海", colour: "green" });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([{ path: "body.colour", message: "is not a known field" }]);
  });

  it("a 10 MB body → 413 request.too_large", async () => {
    const res = await post({ code: "X-3", name: "x".repeat(10 * 1024 * 1024), city: "上海" });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe("request.too_large");
  });

  it("a body that is not JSON → 415", async () => {
    const res = await post("code=X-4", "application/x-www-form-urlencoded");
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe("request.unsupported_media_type");
  });

  it("bad query values → 400 naming the parameter", async () => {
    const res = await t.app.inject({ method: "GET", url: `${storesUrl}?limit=0`, headers: { cookie: ws.ownerCookie } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toBe("querystring.limit");
  });

  it("a domain rule broken → its own code and status (duplicate store code → 409)", async () => {
    await createStore(t, ws, "DUP-1");
    const res = await post({ code: "DUP-1", name: "again", city: "杭州" });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: "stores.code_taken", details: [{ path: "code" }] });
  });

  it("an unknown API path → 404 in the error shape, an unknown page → the console", async () => {
    const api = await t.app.inject({ method: "GET", url: "/api/v1/nothing-here" });
    expect(api.statusCode).toBe(404);
    expect(api.json().error.code).toBe("request.not_found");
    const page = await t.app.inject({ method: "GET", url: "/w/some/page", headers: { accept: "text/html" } });
    expect([200, 503]).toContain(page.statusCode);
    expect(page.headers["content-type"]).toMatch(/text\/(html|plain)/);
  });
});

describe("requests the HTTP parser rejects", () => {
  it("still answer in the error shape", async () => {
    const address = await t.app.listen({ port: 0, host: "127.0.0.1" });
    const port = Number(new URL(address).port);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => socket.write("GET /api/v1/me?q=茶 HTTP/1.1\r\nHost: x\r\n\r\n"));
      let data = "";
      socket.on("data", (d) => (data += d.toString()));
      socket.on("end", () => resolve(data));
      socket.on("error", reject);
    });
    expect(raw).toMatch(/^HTTP\/1.1 400/);
    expect(JSON.parse(raw.split("\r\n\r\n")[1]!).error.code).toBe("request.malformed");
  });
});

describe("partial updates", () => {
  it("a PATCH keeps every field it leaves out (a closed store stays closed)", async () => {
    const storeId = await createStore(t, ws, "KEEP-1");
    const url = `${storesUrl}/${storeId}`;
    await t.app.inject({ method: "PATCH", url, headers: { cookie: ws.ownerCookie }, payload: { status: "closed" } });
    const res = await t.app.inject({ method: "PATCH", url, headers: { cookie: ws.ownerCookie }, payload: { phone: "021-1234" } });
    expect(res.json()).toMatchObject({ status: "closed", phone: "021-1234" });
  });
});

describe("rate limits", () => {
  it("limits per address and per key, with 429 in the error shape", async () => {
    const limited = await buildTestApp({ rateLimitPerIpPerMinute: 5, rateLimitPerKeyPerMinute: 8 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await limited.app.inject({ method: "GET", url: "/api/v1/me" })).statusCode);
      expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      const last = await limited.app.inject({ method: "GET", url: "/api/v1/me" });
      expect(last.statusCode).toBe(429);
      expect(last.json().error.code).toBe("request.rate_limited");
      // A key has its own, larger budget even from the same address.
      const keyed = await limited.app.inject({ method: "GET", url: "/api/v1/me", headers: { authorization: "Bearer sk_admin_unknown" } });
      expect(keyed.statusCode).toBe(401);
    } finally {
      await limited.close();
    }
  });
});
