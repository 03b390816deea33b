import { describe, expect, it } from "vitest";
import { loginPathFor, safeNextPath } from "./next-path";

describe("safeNextPath", () => {
  it("keeps same-origin paths", () => {
    expect(safeNextPath("/w/abc/settings/stores?q=1")).toBe("/w/abc/settings/stores?q=1");
  });

  it("rejects anything that could leave the origin or loop", () => {
    for (const next of [null, undefined, "", "https://evil.example", "//evil.example", "/\\evil.example", "/login", "/invite/x"]) {
      expect(safeNextPath(next)).toBe("/");
    }
  });
});

describe("loginPathFor", () => {
  it("remembers where the operator was", () => {
    expect(loginPathFor("/w/a/settings", "?x=1")).toBe("/login?next=%2Fw%2Fa%2Fsettings%3Fx%3D1");
  });

  it("adds nothing for the root or the login page", () => {
    expect(loginPathFor("/")).toBe("/login");
    expect(loginPathFor("/login", "?next=%2F")).toBe("/login");
  });
});
