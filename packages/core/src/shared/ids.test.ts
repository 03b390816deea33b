import { describe, expect, it } from "vitest";
import { isUuid, newId } from "./ids";

describe("newId", () => {
  it("gives unique version-7 ids that sort in the order they were made", () => {
    const ids = Array.from({ length: 20_000 }, () => newId());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids.slice(0, 100)) {
      expect(isUuid(id)).toBe(true);
      expect(id[14]).toBe("7");
    }
  });

  it("draws fresh random bits for every id, past the first buffer of random words", () => {
    // The last 32 bits of each id are random: 5,000 ids use several 4 KiB draws, and collisions
    // among 5,000 random 32-bit values are a handful at most.
    const tails = new Set(Array.from({ length: 5_000 }, () => newId().slice(-8)));
    expect(tails.size).toBeGreaterThan(4_990);
  });
});
