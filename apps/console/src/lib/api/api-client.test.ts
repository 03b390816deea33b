import { describe, expect, it } from "vitest";
import { buildApiUrl } from "./api-client";

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
