import type { AlertCondition } from "@siyu/contracts";

/** One complete period's value (null: nothing to measure, e.g. a ratio without a denominator). */
export interface SeriesPoint {
  periodStart: string;
  value: number | null;
}

export interface JudgedPoint extends SeriesPoint {
  /** The bound the value is compared with; null while a window is still filling or there is no base. */
  bound: number | null;
  breached: boolean;
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Sample standard deviation (n − 1). */
function deviation(values: readonly number[], m: number): number {
  if (values.length < 2) return 0;
  return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1));
}

/** The `window` values before index i, or null when fewer are known (a null value breaks nothing, it is skipped). */
function before(points: readonly SeriesPoint[], i: number, window: number): number[] | null {
  const values: number[] = [];
  for (let j = i - 1; j >= 0 && values.length < window; j--) {
    const v = points[j]!.value;
    if (v !== null) values.push(v);
  }
  return values.length === window ? values : null;
}

/** Judges every point of a series against a condition; a null value never breaches. */
export function judgeSeries(points: readonly SeriesPoint[], condition: AlertCondition): JudgedPoint[] {
  return points.map((p, i) => {
    const v = p.value;
    const judged = (bound: number | null, breached: boolean): JudgedPoint => ({ ...p, bound, breached: v !== null && bound !== null && breached });
    switch (condition.kind) {
      case "threshold":
        return judged(condition.value, v !== null && (condition.direction === "above" ? v > condition.value : v < condition.value));
      case "band": {
        const history = before(points, i, condition.window);
        if (!history || v === null) return judged(null, false);
        const m = mean(history);
        const spread = condition.k * deviation(history, m);
        const lower = m - spread;
        const upper = m + spread;
        if (condition.direction === "below") return judged(lower, v < lower);
        if (condition.direction === "above") return judged(upper, v > upper);
        return v > upper ? judged(upper, true) : judged(lower, v < lower);
      }
      case "change": {
        const previous = i > 0 ? points[i - 1]!.value : null;
        if (previous === null || previous <= 0 || v === null) return judged(null, false);
        const bound = previous * (1 + condition.percent / 100);
        return judged(bound, condition.percent > 0 ? v >= bound : v <= bound);
      }
      case "forecast": {
        const history = before(points, i, condition.window);
        if (!history || v === null) return judged(null, false);
        const bound = condition.factor * mean(history);
        return judged(bound, v > bound);
      }
    }
  });
}

export interface RuleState {
  state: "ok" | "firing";
  /** Breached periods in a row so far. */
  streak: number;
}

export interface Transition {
  kind: "fired" | "resolved";
  point: JudgedPoint;
}

/**
 * Walks judged periods in order from a rule's state: it fires when `consecutive` periods in a row
 * breach, and resolves at the first complete period that does not.
 */
export function advance(start: RuleState, judged: readonly JudgedPoint[], consecutive: number): { state: RuleState; transitions: Transition[] } {
  let { state, streak } = start;
  const transitions: Transition[] = [];
  for (const point of judged) {
    streak = point.breached ? streak + 1 : 0;
    if (state === "ok" && streak >= consecutive) {
      state = "firing";
      transitions.push({ kind: "fired", point });
    } else if (state === "firing" && !point.breached) {
      state = "ok";
      transitions.push({ kind: "resolved", point });
    }
  }
  return { state: { state, streak }, transitions };
}
