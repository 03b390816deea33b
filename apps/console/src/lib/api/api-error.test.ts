import { describe, expect, it } from "vitest";
import { ApiError, isSessionExpired, toApiError } from "./api-error";

describe("toApiError", () => {
  it("reads the standard error shape", () => {
    const error = toApiError(404, "Not Found", {
      error: { code: "stores.not_found", message: "Store not found", details: { id: "x" } },
    });
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404, code: "stores.not_found", message: "Store not found" });
    expect(error.details).toEqual({ id: "x" });
  });

  it("falls back to the HTTP status for other bodies", () => {
    expect(toApiError(502, "Bad Gateway", "<html>")).toMatchObject({ code: "http.502", message: "Bad Gateway" });
    expect(toApiError(500, "", null)).toMatchObject({ code: "http.500", message: "HTTP 500" });
  });
});

describe("isSessionExpired", () => {
  it("is true for a 401 that is not a credential check", () => {
    expect(isSessionExpired(new ApiError(401, "auth.unauthenticated", "Log in"))).toBe(true);
    expect(isSessionExpired(new ApiError(401, "auth.invalid_credentials", "Wrong password"))).toBe(false);
    expect(isSessionExpired(new ApiError(403, "auth.forbidden", "No"))).toBe(false);
    expect(isSessionExpired(new Error("x"))).toBe(false);
  });
});
