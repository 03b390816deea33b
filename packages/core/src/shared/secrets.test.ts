import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hashToken, randomToken, sameHash } from "./secrets";

const BASE62 = /^[0-9A-Za-z]*$/;

describe("randomToken", () => {
  it("is 40 base62 characters by default", () => {
    const token = randomToken();
    expect(token).toHaveLength(40);
    expect(token).toMatch(BASE62);
  });

  it("has exactly the asked length and only base62 characters, for any length", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), (length) => {
        const token = randomToken(length);
        expect(token).toHaveLength(length);
        expect(token).toMatch(BASE62);
      }),
    );
  });

  it("never repeats across many draws", () => {
    const tokens = new Set(Array.from({ length: 5_000 }, () => randomToken(20)));
    expect(tokens.size).toBe(5_000);
  });

  it("uses the whole alphabet, each character about equally often", () => {
    const counts = new Map<string, number>();
    for (const c of randomToken(62_000)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    // 1,000 expected per character; a biased modulo would push some past these bounds
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(800);
      expect(n).toBeLessThan(1_200);
    }
  });
});

describe("hashToken", () => {
  it("is a stable 64-character hex digest (SHA-256)", () => {
    const token = randomToken();
    expect(hashToken(token)).toBe(hashToken(token));
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("differs for different tokens and never contains the token", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (a, b) => {
        fc.pre(a !== b);
        expect(hashToken(a)).not.toBe(hashToken(b));
      }),
    );
    const token = randomToken();
    expect(hashToken(token)).not.toContain(token);
  });
});

describe("sameHash", () => {
  it("is true only for equal hashes", () => {
    const a = hashToken("first");
    const b = hashToken("second");
    expect(sameHash(a, hashToken("first"))).toBe(true);
    expect(sameHash(a, b)).toBe(false);
  });

  it("is false, without throwing, for hashes of different lengths", () => {
    const a = hashToken("first");
    expect(sameHash(a, a.slice(0, 10))).toBe(false);
    expect(sameHash(a, "")).toBe(false);
  });
});
