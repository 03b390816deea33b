import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRandom } from "../../shared";
import { advance, judgeSeries, type SeriesPoint } from "./alert-evaluator";

const round = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
const weeks = (values: (number | null)[]): SeriesPoint[] => values.map((value, i) => ({ periodStart: `w${String(i).padStart(3, "0")}`, value }));
const run = (values: (number | null)[], condition: Parameters<typeof judgeSeries>[1], consecutive: number) =>
  advance({ state: "ok", streak: 0 }, judgeSeries(weeks(values), condition), consecutive);
const band = { kind: "band", direction: "below", k: 2, window: 12 } as const;

/** Weekly active customers around 1,000: seeded normal noise of σ = 30, kept within 2σ. */
function noisy(n: number, seed = 7): number[] {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => Math.round(1000 + 30 * Math.max(-2, Math.min(2, random.normal()))));
}

describe("alert rules on a series", () => {
  it("mean − 2σ two weeks running: fires on the second week of an injected drop, resolves on the first week back", () => {
    const series = noisy(30);
    series[20] = 800;
    series[21] = 790;
    const { transitions, state } = run(series, band, 2);
    expect(transitions.map((t) => [t.kind, t.point.periodStart])).toEqual([
      ["fired", "w021"],
      ["resolved", "w022"],
    ]);
    expect(transitions[0]!.point.value).toBe(790);
    // The bound is the trailing mean − 2σ, the week-20 drop already in its window.
    expect(transitions[0]!.point.bound).toBeGreaterThan(790);
    expect(transitions[0]!.point.bound).toBeLessThan(1000);
    expect(state).toEqual({ state: "ok", streak: 0 });
  });

  it("a single bad week does not fire a two-week rule", () => {
    const series = noisy(30);
    series[20] = 700;
    expect(run(series, band, 2).transitions).toEqual([]);
    // …but a one-week rule fires on it, and resolves the week after.
    expect(run(series, band, 1).transitions.map((t) => [t.kind, t.point.periodStart])).toEqual([
      ["fired", "w020"],
      ["resolved", "w021"],
    ]);
  });

  it("stays silent on noise within 2σ: 300 weeks that swing up to 35 around 1,000 (σ ≈ 21)", () => {
    const swing = [1, -1, 0.5, -0.5, 0, 0.8, -0.8];
    for (const seed of [1, 2, 3]) {
      const jitter = createRandom(seed);
      const series = Array.from({ length: 300 }, (_, i) => 1000 + 30 * swing[i % swing.length]! + Math.round(10 * (jitter.uniform() - 0.5)));
      const judged = judgeSeries(weeks(series), band);
      expect(judged.filter((p) => p.breached), `seed ${seed}`).toEqual([]);
    }
  });

  it("on unbounded normal noise, false alarms stay as rare as two weeks below 2σ are", () => {
    // 5 × 300 weeks of N(1000, 30²): a week below the trailing mean − 2σ about 1 time in 30, two in a row about 1 in 900.
    let fired = 0;
    let breached = 0;
    for (const seed of [1, 2, 3, 4, 5]) {
      const judged = judgeSeries(weeks(Array.from({ length: 300 }, ((r) => () => 1000 + 30 * r.normal())(createRandom(seed)))), band);
      breached += judged.filter((p) => p.breached).length;
      fired += advance({ state: "ok", streak: 0 }, judged, 2).transitions.filter((t) => t.kind === "fired").length;
    }
    expect(breached).toBeGreaterThan(10);
    expect(breached).toBeLessThan(90);
    expect(fired).toBeLessThanOrEqual(5);
  });

  it("a breach is exactly a value outside the trailing mean ± kσ (independent recomputation)", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 2000 }), fc.constant(null)), { minLength: 1, maxLength: 60 }), fc.integer({ min: 3, max: 10 }), (values, window) => {
        const judged = judgeSeries(weeks(values), { kind: "band", direction: "either", k: 2, window });
        judged.forEach((p, i) => {
          const history = values.slice(0, i).filter((v): v is number => v !== null).slice(-window);
          if (p.value === null || history.length < window) return expect(p.breached).toBe(false);
          const m = history.reduce((a, b) => a + b, 0) / window;
          const sd = Math.sqrt(history.reduce((a, b) => a + (b - m) ** 2, 0) / (window - 1));
          expect(p.breached).toBe(Math.abs(p.value - m) > 2 * sd + 1e-9 * Math.max(1, Math.abs(m)) ? true : p.breached && Math.abs(Math.abs(p.value - m) - 2 * sd) < 1e-6);
        });
      }),
      { numRuns: 300 },
    );
  });

  it("complaint rate above 0.5 % two weeks running", () => {
    const rates = [0.002, 0.004, 0.006, 0.003, 0.006, 0.007, 0.008, 0.004, null, 0.009];
    const { transitions } = run(rates, { kind: "threshold", direction: "above", value: 0.005 }, 2);
    // w002 alone is one week; w004–w005 are two: fired at w005; w007 resolves; null (no orders) breaks a streak.
    expect(transitions.map((t) => [t.kind, t.point.periodStart])).toEqual([
      ["fired", "w005"],
      ["resolved", "w007"],
    ]);
  });

  it("complaints +30 % day over day; an empty day is no base", () => {
    const { transitions } = run([10, 12, 16, 15, 0, 5, 20], { kind: "change", percent: 30 }, 1);
    // 12→16 is +33 %: fired; 16→15 resolves; 0→5 has no base; 5→20 is +300 %: fired again.
    expect(transitions.map((t) => [t.kind, t.point.periodStart, round(t.point.bound)])).toEqual([
      ["fired", "w002", 15.6],
      ["resolved", "w003", 20.8],
      ["fired", "w006", 6.5],
    ]);
  });

  it("revenue above 1.5 × forecast (the mean of the 4 periods before)", () => {
    const { transitions } = run([100, 100, 100, 100, 140, 160, 100], { kind: "forecast", factor: 1.5, window: 4 }, 1);
    // w005: forecast (100+100+100+140)/4 = 110 → bound 165, 160 is below; nothing fires.
    expect(transitions).toEqual([]);
    const spike = run([100, 100, 100, 100, 151, 100], { kind: "forecast", factor: 1.5, window: 4 }, 1).transitions;
    // w004: 1.5 × 100 = 150, 151 is above; w005: 1.5 × (100 + 100 + 100 + 151) / 4 = 169.125, 100 is below.
    expect(spike.map((t) => [t.kind, t.point.periodStart, round(t.point.bound)])).toEqual([
      ["fired", "w004", 150],
      ["resolved", "w005", 169.13],
    ]);
  });

  it("continues from a stored state: a streak carried over from the last run", () => {
    const judged = judgeSeries(weeks([0.009]), { kind: "threshold", direction: "above", value: 0.005 });
    expect(advance({ state: "ok", streak: 1 }, judged, 2).transitions.map((t) => t.kind)).toEqual(["fired"]);
    expect(advance({ state: "firing", streak: 3 }, judged, 2)).toEqual({ state: { state: "firing", streak: 4 }, transitions: [] });
  });
});
