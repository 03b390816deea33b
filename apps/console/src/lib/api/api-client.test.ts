import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { apiRequest, buildApiUrl } from "./api-client";

describe("buildApiUrl", () => {
  it("prefixes the API version", () => {
    expect(buildApiUrl("/me")).toBe("/api/v1/me");
  });

  it("drops empty parameters and encodes the rest", () => {
    expect(buildApiUrl("/workspaces/w/stores", { limit: 20, q: "上海 store", cursor: undefined, city: "" })).toBe(
      "/api/v1/workspaces/w/stores?limit=20&q=%E4%B8%8A%E6%B5%B7+store",
    );
  });
});

describe("apiRequest", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("sends a raw body as it is, with its own content type", async () => {
    const fetchMock = vi.fn(async (_url: string, _init: RequestInit) => new Response(JSON.stringify({ ok: true }), { status: 200 }));
    vi.stubGlobal("fetch", fetchMock);
    const csv = "phone\n13800138000\n";
    await expect(
      apiRequest("/workspaces/w/imports/profiles", z.object({ ok: z.boolean() }), {
        method: "POST",
        query: { fileName: "会员.csv" },
        rawBody: { data: csv, contentType: "text/csv" },
      }),
    ).resolves.toEqual({ ok: true });
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe("/api/v1/workspaces/w/imports/profiles?fileName=%E4%BC%9A%E5%91%98.csv");
    expect(init.body).toBe(csv);
    expect(init.headers).toEqual({ accept: "application/json", "content-type": "text/csv" });
  });

  it("sends JSON otherwise", async () => {
    const fetchMock = vi.fn(async (_url: string, _init: RequestInit) => new Response(JSON.stringify({ ok: true }), { status: 200 }));
    vi.stubGlobal("fetch", fetchMock);
    await apiRequest("/x", z.object({ ok: z.boolean() }), { method: "PATCH", body: { a: 1 } });
    const [, init] = fetchMock.mock.calls[0]!;
    expect(init.body).toBe('{"a":1}');
    expect(init.headers).toEqual({ accept: "application/json", "content-type": "application/json" });
  });
});
