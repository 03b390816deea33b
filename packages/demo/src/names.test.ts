import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateChineseName } from "./names";
import { createRng } from "./rng";

const HAN_ONLY = /^\p{Script=Han}+$/u;

describe("generateChineseName", () => {
  it("produces Chinese characters only, two to four of them, surname first", () => {
    fc.assert(
      fc.property(fc.integer(), fc.constantFrom("female" as const, "male" as const), (seed, gender) => {
        const rng = createRng(seed);
        for (let i = 0; i < 20; i++) {
          const name = generateChineseName(rng, gender);
          expect(name.fullName).toMatch(HAN_ONLY);
          expect(name.fullName).toBe(name.surname + name.givenName);
          expect(name.fullName.length).toBeGreaterThanOrEqual(2);
          expect(name.fullName.length).toBeLessThanOrEqual(4);
          expect(name.givenName.length).toBeGreaterThanOrEqual(1);
          expect(name.givenName.length).toBeLessThanOrEqual(2);
        }
      }),
    );
  });

  it("draws surnames by real frequency: 王, 李 and 张 lead, the top five cover about a third", () => {
    const rng = createRng(21);
    const counts = new Map<string, number>();
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const { surname } = generateChineseName(rng, i % 2 === 0 ? "female" : "male");
      counts.set(surname, (counts.get(surname) ?? 0) + 1);
    }
    const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]);
    expect(ranked.slice(0, 3).map(([s]) => s).sort()).toEqual(["张", "李", "王"].sort());
    const topFive = ranked.slice(0, 5).reduce((sum, [, c]) => sum + c, 0) / n;
    expect(topFive).toBeGreaterThan(0.3);
    expect(topFive).toBeLessThan(0.45);
    expect(counts.size).toBeGreaterThan(55);
  });

  it("gives women and men different given-name characters", () => {
    const rng = createRng(5);
    const given = (gender: "female" | "male") =>
      new Set(Array.from({ length: 500 }, () => generateChineseName(rng, gender).givenName).join(""));
    const female = given("female");
    const male = given("male");
    expect(female.has("婷")).toBe(true);
    expect(male.has("婷")).toBe(false);
    expect(male.has("强")).toBe(true);
    expect(female.has("强")).toBe(false);
  });
});
