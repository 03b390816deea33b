import { describe, expect, it } from "vitest";
import { ApiError } from "../lib/api/api-error";
import { shouldRetry } from "./query-client";

describe("shouldRetry", () => {
  it("never retries client errors", () => {
    expect(shouldRetry(0, new ApiError(404, "stores.not_found", "Not found"))).toBe(false);
    expect(shouldRetry(0, new ApiError(401, "auth.unauthenticated", "Log in"))).toBe(false);
  });

  it("retries network and server errors twice", () => {
    const network = new ApiError(0, "client.network_unreachable", "Offline");
    expect(shouldRetry(0, network)).toBe(true);
    expect(shouldRetry(1, new ApiError(503, "http.503", "Unavailable"))).toBe(true);
    expect(shouldRetry(2, network)).toBe(false);
  });
});
