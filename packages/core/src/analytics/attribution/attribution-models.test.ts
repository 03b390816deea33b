import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRandom } from "../../shared";
import { firstTouch, lastTouch, linear, markov, shapley, type Credits, type JourneyGroup } from "./attribution-models";

const exactOnly = { maxExactChannels: 16, permutations: 0, confidence: 0.99, seed: 1 };
const conversionsOf = (credits: Credits) => Object.fromEntries([...credits].map(([k, c]) => [k, c.conversions]));
const total = (credits: Credits) => [...credits.values()].reduce((a, c) => a + c.conversions, 0);
const j = (path: string[], count: number, conversions: number, value = conversions * 100): JourneyGroup => ({ path, count, conversions, value });

describe("positional models", () => {
  const journeys = [j(["wecom", "sms", "wecom"], 3, 2, 300), j(["douyin"], 5, 1, 80), j(["sms"], 4, 0, 0)];

  it("first and last touch give each converted journey to one channel", () => {
    expect(conversionsOf(firstTouch(journeys))).toEqual({ wecom: 2, douyin: 1 });
    expect(conversionsOf(lastTouch(journeys))).toEqual({ wecom: 2, douyin: 1 });
    expect(lastTouch(journeys).get("wecom")!.value).toBe(300);
  });

  it("linear gives every touch an equal share, a repeated channel one share per touch", () => {
    const credits = linear(journeys);
    expect(credits.get("wecom")!.conversions).toBeCloseTo(4 / 3, 12);
    expect(credits.get("sms")!.conversions).toBeCloseTo(2 / 3, 12);
    expect(credits.get("sms")!.value).toBeCloseTo(100, 9);
    expect(credits.get("douyin")!.conversions).toBe(1);
  });
});

describe("Shapley", () => {
  it("matches the values computed by hand for two channels", () => {
    // v(A) = 2/10, v(B) = 1/10, v(AB) = 9/30. φA = ½·0.2 + ½·(0.3 − 0.1) = 0.2, φB = ½·0.1 + ½·(0.3 − 0.2) = 0.1.
    // Scaled to the 9 conversions: A 9 · 0.2 / 0.3 = 6, B 3.
    const result = shapley([j(["A"], 10, 2), j(["B"], 10, 1), j(["A", "B"], 10, 6), j(["B", "A"], 0, 0)], exactOnly);
    expect(result.method).toBe("exact");
    expect(result.conversionRate).toBeCloseTo(0.3, 12);
    expect(result.credits.get("A")!.conversions).toBeCloseTo(6, 10);
    expect(result.credits.get("B")!.conversions).toBeCloseTo(3, 10);
    expect(result.credits.get("A")!.value).toBeCloseTo(600, 8);
  });

  it("matches the values computed by hand for three channels", () => {
    // Journeys by channel set: {A} 4 of 10, {B} 1 of 10, {C} 0 of 10, {A,B} 3 of 5, {B,C} 2 of 5.
    // v(A)=.4 v(B)=.1 v(C)=0 v(AB)=8/25=.32 v(AC)=4/20=.2 v(BC)=3/25=.12 v(ABC)=10/40=.25
    // φA = 1/3·.4 + 1/6·(.32−.1) + 1/6·(.2−0) + 1/3·(.25−.12) = .13333+.03667+.03333+.04333 = .246667
    // φB = 1/3·.1 + 1/6·(.32−.4) + 1/6·(.12−0) + 1/3·(.25−.2) = .03333−.01333+.02+.01667 = .056667
    // φC = 1/3·0 + 1/6·(.2−.4) + 1/6·(.12−.1) + 1/3·(.25−.32) = −.03333+.00333−.02333 = −.053333
    const result = shapley([j(["A"], 10, 4), j(["B"], 10, 1), j(["C"], 10, 0), j(["A", "B"], 5, 3), j(["C", "B"], 5, 2)], exactOnly);
    const scale = 10 / 0.25;
    expect(result.credits.get("A")!.conversions).toBeCloseTo(0.246667 * scale, 3);
    expect(result.credits.get("B")!.conversions).toBeCloseTo(0.056667 * scale, 3);
    expect(result.credits.get("C")!.conversions).toBeCloseTo(-0.053333 * scale, 3);
  });

  const journeysArb = (channels: number) =>
    fc.array(
      fc
        .record({
          path: fc.array(fc.integer({ min: 0, max: channels - 1 }).map((i) => `c${i}`), { minLength: 1, maxLength: 5 }),
          count: fc.integer({ min: 1, max: 50 }),
          rate: fc.double({ min: 0, max: 1, noNaN: true }),
        })
        .map(({ path, count, rate }) => j(path, count, Math.floor(count * rate))),
      { minLength: 1, maxLength: 40 },
    );

  it("is efficient (credits sum to the conversions) and symmetric (renaming channels permutes credits)", () => {
    fc.assert(
      fc.property(journeysArb(6), (journeys) => {
        const result = shapley(journeys, exactOnly);
        const conversions = journeys.reduce((a, x) => a + x.conversions, 0);
        if (result.conversionRate > 0) expect(total(result.credits)).toBeCloseTo(conversions, 6);
        // Symmetry: renaming the channels permutes the credits.
        const renamed = shapley(journeys.map((x) => ({ ...x, path: x.path.map((c) => `z${c}`) })), exactOnly);
        for (const [c, credit] of result.credits) expect(renamed.credits.get(`z${c}`)!.conversions).toBeCloseTo(credit.conversions, 9);
      }),
      { numRuns: 200 },
    );
  });

  it("sampled over 12 channels stays within its stated error bound of the exact values", () => {
    const rng = createRandom(42);
    const random = () => rng.uniform();
    const channels = Array.from({ length: 12 }, (_, i) => `ch${String(i).padStart(2, "0")}`);
    const journeys: JourneyGroup[] = [];
    for (let k = 0; k < 400; k++) {
      const length = 1 + Math.floor(random() * 4);
      const path = Array.from({ length }, () => channels[Math.floor(random() * (1 + Math.floor(random() * 12)))]!);
      const count = 1 + Math.floor(random() * 30);
      // Channels late in the list convert better, so the values differ.
      const quality = path.reduce((a, c) => a + channels.indexOf(c), 0) / (12 * path.length);
      journeys.push(j(path, count, Math.floor(count * quality * random())));
    }
    const exact = shapley(journeys, exactOnly);
    for (const seed of [1, 2, 3, 4, 5]) {
      const sampled = shapley(journeys, { maxExactChannels: 10, permutations: 10_000, confidence: 0.99, seed });
      expect(sampled.method).toBe("sampled");
      expect(sampled.errorBound).toBeGreaterThan(0);
      expect(sampled.conversionRate).toBeCloseTo(exact.conversionRate, 12);
      let worst = 0;
      for (const c of channels) {
        const diff = Math.abs(sampled.credits.get(c)!.conversions - exact.credits.get(c)!.conversions);
        expect(diff).toBeLessThanOrEqual(sampled.errorBound);
        worst = Math.max(worst, diff);
      }
      // The bound is not vacuous: the credits are several times larger than it.
      expect(Math.max(...[...exact.credits.values()].map((c) => Math.abs(c.conversions)))).toBeGreaterThan(3 * sampled.errorBound);
      expect(worst).toBeGreaterThan(0);
    }
  });
});

describe("Markov removal effect", () => {
  it("matches the chain computed by hand", () => {
    // start→A 2/3, start→B 1/3; A→B ½, A→null ½; B→conversion 1. P = 2/3.
    // Without A: 1/3 → effect ½. Without B: 0 → effect 1. 2 conversions split ½ : 1.
    const result = markov([j(["A", "B"], 1, 1), j(["A"], 1, 0), j(["B"], 1, 1)]);
    expect(result.conversionProbability).toBeCloseTo(2 / 3, 12);
    expect(result.removalEffects.get("A")).toBeCloseTo(0.5, 12);
    expect(result.removalEffects.get("B")).toBeCloseTo(1, 12);
    expect(result.credits.get("A")!.conversions).toBeCloseTo(2 / 3, 12);
    expect(result.credits.get("B")!.conversions).toBeCloseTo(4 / 3, 12);
  });

  it("handles loops: a channel that sends customers back to itself", () => {
    // A→A→B conv, A→B null: start→A 1; A→A ⅓, A→B ⅔; B→conv ½, B→null ½. P(A) = ⅓P(A) + ⅔·½ → P(A) = ½.
    const result = markov([j(["A", "A", "B"], 1, 1), j(["A", "B"], 1, 0)]);
    expect(result.conversionProbability).toBeCloseTo(0.5, 12);
    expect(result.removalEffects.get("A")).toBeCloseTo(1, 12);
    expect(result.removalEffects.get("B")).toBeCloseTo(1, 12);
  });

  it("credits every conversion and never a negative share", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ path: fc.array(fc.constantFrom("a", "b", "c", "d"), { minLength: 1, maxLength: 6 }), count: fc.integer({ min: 1, max: 9 }), c: fc.nat() }),
          { minLength: 1, maxLength: 30 },
        ),
        (raw) => {
          const journeys = raw.map((x) => j(x.path, x.count, x.c % (x.count + 1)));
          const result = markov(journeys);
          const conversions = journeys.reduce((a, x) => a + x.conversions, 0);
          for (const effect of result.removalEffects.values()) {
            expect(effect).toBeGreaterThanOrEqual(-1e-9);
            expect(effect).toBeLessThanOrEqual(1 + 1e-9);
          }
          if (conversions > 0) expect(total(result.credits)).toBeCloseTo(conversions, 6);
        },
      ),
      { numRuns: 200 },
    );
  });
});
