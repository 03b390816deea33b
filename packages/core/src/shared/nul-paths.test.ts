import { describe, expect, it } from "vitest";
import { nulPaths } from "./nul-paths";

describe("nulPaths", () => {
  it("names every string and key holding U+0000, array items by index, up to the limit", () => {
    const value = { a: "fine", b: "x\u0000y", c: [{ d: "ok" }, { e: "\u0000" }], "k\u0000": 1, n: 5, z: null };
    expect(nulPaths(value)).toEqual(["b", "c.1.e", "k\\u0000"]);
    expect(nulPaths(value, 2)).toEqual(["b", "c.1.e"]);
    expect(nulPaths("\u0000")).toEqual([""]);
  });

  it("finds nothing in values without it, a backslash-u text included", () => {
    expect(nulPaths({ a: "\\u0000", b: ["上海", 1, true, null], c: {} })).toEqual([]);
  });
});
