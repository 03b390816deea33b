import { describe, expect, it } from "vitest";
import { grown } from "./typed-arrays";

describe("grown", () => {
  it("keeps the values, doubles the room and zeroes the new entries of the same kind of array", () => {
    const to = grown(Float64Array.of(1.5, -2, 3));
    expect(to).toBeInstanceOf(Float64Array);
    expect([...to]).toEqual([1.5, -2, 3, 0, 0, 0]);
  });

  it("fills the new entries and takes a length", () => {
    const to = grown(Int32Array.of(7, 8), 5, -1);
    expect(to).toBeInstanceOf(Int32Array);
    expect([...to]).toEqual([7, 8, -1, -1, -1]);
  });
});
