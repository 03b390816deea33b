import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAINLAND_MOBILE_E164, generateMobilePhone, isDemoPhone } from "./phones";
import { createRng } from "./rng";

describe("generateMobilePhone", () => {
  it("returns valid mainland mobile numbers in E.164 form that isDemoPhone recognises", () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rng = createRng(seed);
        for (let i = 0; i < 50; i++) {
          const phone = generateMobilePhone(rng);
          expect(phone).toMatch(/^\+861[3-9]\d{9}$/);
          expect(phone).toMatch(MAINLAND_MOBILE_E164);
          expect(isDemoPhone(phone)).toBe(true);
        }
      }),
    );
  });

  it("spreads over many prefixes", () => {
    const rng = createRng(2);
    const prefixes = new Set(Array.from({ length: 2_000 }, () => generateMobilePhone(rng).slice(3, 6)));
    expect(prefixes.size).toBeGreaterThan(30);
  });
});

describe("isDemoPhone", () => {
  it("rejects malformed numbers", () => {
    for (const phone of ["", "13812345678", "+8612345678901", "+86138123456789", "+1 2025550123", "+8610123456789"]) {
      expect(isDemoPhone(phone)).toBe(false);
    }
  });

  it("lets through only about one in a thousand numbers it did not generate", () => {
    const rng = createRng(99);
    let passes = 0;
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const phone = `+86138${String(rng.int(0, 99_999_999)).padStart(8, "0")}`;
      if (isDemoPhone(phone)) passes++;
    }
    expect(passes / n).toBeLessThan(0.003);
  });

  it("rejects a generated number with one digit changed", () => {
    const phone = generateMobilePhone(createRng(4));
    const last = Number(phone.at(-1));
    expect(isDemoPhone(phone.slice(0, -1) + String((last + 1) % 10))).toBe(false);
  });
});
