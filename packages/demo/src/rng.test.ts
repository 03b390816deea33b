import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRng } from "./rng";

const seeds = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const draw = (seed: number, n = 8) => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.next());
};

describe("createRng", () => {
  it("repeats the same sequence for the same seed and differs across seeds", () => {
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it("pins the sequence so that output stays byte-identical across releases", () => {
    const rng = createRng(1);
    expect([rng.int(0, 1_000_000), rng.int(0, 1_000_000), rng.int(0, 1_000_000)]).toMatchInlineSnapshot(`
      [
        554362,
        46677,
        10940,
      ]
    `);
  });

  it("rejects seeds that are not safe integers", () => {
    expect(() => createRng(1.5)).toThrow(RangeError);
    expect(() => createRng(Number.NaN)).toThrow(RangeError);
  });

  it("draws floats in [0, 1)", () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const rng = createRng(seed);
        for (let i = 0; i < 200; i++) {
          const x = rng.next();
          if (!(x >= 0 && x < 1)) return false;
        }
        return true;
      }),
    );
  });
});

describe("fork", () => {
  it("gives a stream that depends only on seed and label, not on what else was drawn", () => {
    const untouched = createRng(7).fork("loyalty");
    const expected = Array.from({ length: 5 }, () => untouched.next());

    const busy = createRng(7);
    for (let i = 0; i < 1000; i++) busy.next();
    const extra = busy.fork("ingestion");
    for (let i = 0; i < 1000; i++) extra.next();
    const loyalty = busy.fork("loyalty");
    expect(Array.from({ length: 5 }, () => loyalty.next())).toEqual(expected);
  });

  it("does not disturb the parent stream", () => {
    const plain = createRng(9);
    const forked = createRng(9);
    forked.fork("a").next();
    expect(Array.from({ length: 5 }, () => forked.next())).toEqual(Array.from({ length: 5 }, () => plain.next()));
  });

  it("separates labels, nested paths and the parent", () => {
    const first = (label: string) => createRng(3).fork(label).next();
    expect(first("a")).not.toBe(first("b"));
    expect(createRng(3).fork("a/b").next()).not.toBe(createRng(3).fork("a").fork("b").next());
    expect(createRng(3).fork("a").next()).not.toBe(createRng(3).next());
    expect(createRng(3).fork("a").fork("b").path).toEqual(["a", "b"]);
  });
});

describe("int", () => {
  it("stays within inclusive bounds for arbitrary seeds and ranges", () => {
    fc.assert(
      fc.property(
        seeds,
        fc.oneof(fc.integer(), fc.maxSafeInteger().map((x) => Math.trunc(x / 2))),
        fc.oneof(fc.nat(100), fc.nat(), fc.maxSafeNat().map((x) => Math.floor(x / 2))),
        (seed, min, width) => {
          const max = min + width;
          const rng = createRng(seed);
          for (let i = 0; i < 50; i++) {
            const x = rng.int(min, max);
            if (!Number.isInteger(x) || x < min || x > max) return false;
          }
          return true;
        },
      ),
    );
  });

  it("reaches both ends of a small range", () => {
    const rng = createRng(5);
    const seen = new Set(Array.from({ length: 200 }, () => rng.int(1, 3)));
    expect([...seen].sort()).toEqual([1, 2, 3]);
  });

  it("rejects empty and non-integer ranges", () => {
    const rng = createRng(5);
    expect(() => rng.int(3, 2)).toThrow(RangeError);
    expect(() => rng.int(0.5, 2)).toThrow(RangeError);
    expect(() => rng.int(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)).toThrow(RangeError);
  });
});

describe("weightedPick", () => {
  it("never picks a zero-weight item", () => {
    fc.assert(
      fc.property(
        seeds,
        fc
          .array(fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 1e6, noNaN: true })), { minLength: 1, maxLength: 20 })
          .filter((ws) => ws.some((w) => w > 0)),
        (seed, weights) => {
          const rng = createRng(seed);
          const items = weights.map((_, i) => i);
          for (let i = 0; i < 50; i++) {
            if (weights[rng.weightedPick(items, weights)] === 0) return false;
          }
          return true;
        },
      ),
    );
  });

  it("follows the weights", () => {
    const rng = createRng(11);
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 20_000; i++) counts[rng.weightedPick(["a", "b", "c"] as const, [1, 3, 6])]++;
    expect(counts.a / 20_000).toBeCloseTo(0.1, 1);
    expect(counts.b / 20_000).toBeCloseTo(0.3, 1);
    expect(counts.c / 20_000).toBeCloseTo(0.6, 1);
  });

  it("rejects mismatched, negative and all-zero weights", () => {
    const rng = createRng(1);
    expect(() => rng.weightedPick([1, 2], [1])).toThrow(RangeError);
    expect(() => rng.weightedPick([1, 2], [1, -1])).toThrow(RangeError);
    expect(() => rng.weightedPick([1, 2], [0, 0])).toThrow(RangeError);
  });
});

describe("shuffle, pick, chance, normal", () => {
  it("shuffle returns a permutation and leaves the input alone", () => {
    fc.assert(
      fc.property(seeds, fc.array(fc.integer(), { maxLength: 60 }), (seed, items) => {
        const before = items.slice();
        const shuffled = createRng(seed).shuffle(items);
        expect(items).toEqual(before);
        expect(shuffled.slice().sort((a, b) => a - b)).toEqual(before.slice().sort((a, b) => a - b));
      }),
    );
  });

  it("pick returns a member of the array and refuses an empty one", () => {
    fc.assert(
      fc.property(seeds, fc.array(fc.string(), { minLength: 1, maxLength: 30 }), (seed, items) =>
        items.includes(createRng(seed).pick(items)),
      ),
    );
    expect(() => createRng(1).pick([])).toThrow(RangeError);
  });

  it("chance honours the edges and the rate", () => {
    const rng = createRng(13);
    expect(Array.from({ length: 100 }, () => rng.chance(0)).some(Boolean)).toBe(false);
    expect(Array.from({ length: 100 }, () => rng.chance(1)).every(Boolean)).toBe(true);
    const hits = Array.from({ length: 20_000 }, () => rng.chance(0.25)).filter(Boolean).length;
    expect(hits / 20_000).toBeCloseTo(0.25, 1);
  });

  it("normal has the requested mean and spread and is always finite", () => {
    const rng = createRng(17);
    const xs = Array.from({ length: 20_000 }, () => rng.normal(10, 2));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(xs.every(Number.isFinite)).toBe(true);
    expect(mean).toBeCloseTo(10, 1);
    expect(sd).toBeCloseTo(2, 1);
  });
});
