import type { ActivityCap, ActivityFilter, ActivityRule } from "@siyu/contracts";

/** Awards counted so far, by counter key (see capCounterKeys). */
export type CapCounters = Map<string, { count: number; points: number }>;

/** The counters a rule's caps read: the member's local day and month, and the rule's local day. */
export function capCounterKeys(ruleCode: string, profileId: string, day: string) {
  return { memberDay: `d ${ruleCode} ${profileId} ${day}`, memberMonth: `m ${ruleCode} ${profileId} ${day.slice(0, 7)}`, ruleDay: `t ${ruleCode} ${day}` };
}

function room(cap: ActivityCap | null, counted: { count: number; points: number } | undefined, points: number): number {
  if (cap === null) return points;
  const c = counted ?? { count: 0, points: 0 };
  return cap.unit === "occurrences" ? (c.count >= cap.limit ? 0 : points) : Math.max(0, Math.min(points, cap.limit - c.points));
}

/**
 * The points one occurrence earns under the rule's caps (0 when a cap is reached; a points cap cuts the
 * last award to fit), and counts it in the counters when it earns.
 */
export function awardWithinCaps(rule: ActivityRule, counters: CapCounters, profileId: string, day: string): number {
  const keys = capCounterKeys(rule.code, profileId, day);
  let points = rule.points;
  points = room(rule.perMemberDaily, counters.get(keys.memberDay), points);
  points = room(rule.perMemberMonthly, counters.get(keys.memberMonth), points);
  points = room(rule.dailyTotal, counters.get(keys.ruleDay), points);
  if (points <= 0) return 0;
  for (const key of [keys.memberDay, keys.memberMonth, keys.ruleDay]) {
    const c = counters.get(key) ?? { count: 0, points: 0 };
    counters.set(key, { count: c.count + 1, points: c.points + points });
  }
  return points;
}

function valueAt(properties: Record<string, unknown>, path: string): unknown {
  let v: unknown = properties;
  for (const part of path.split(".")) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

function holds(f: ActivityFilter, properties: Record<string, unknown>): boolean {
  const v = valueAt(properties, f.property);
  switch (f.op) {
    case "exists":
      return v !== undefined && v !== null;
    case "eq":
      return v === f.value;
    case "neq":
      return v !== f.value;
    case "in":
      return Array.isArray(f.value) && (f.value as unknown[]).includes(v);
    case "not_in":
      return Array.isArray(f.value) && !(f.value as unknown[]).includes(v);
    default: {
      const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
      if (!Number.isFinite(n) || typeof f.value !== "number") return false;
      return f.op === "gt" ? n > f.value : f.op === "gte" ? n >= f.value : f.op === "lt" ? n < f.value : n <= f.value;
    }
  }
}

/** Whether an event's properties pass every filter of the rule. */
export function matchesRule(rule: ActivityRule, properties: Record<string, unknown>): boolean {
  return rule.where.every((f) => holds(f, properties));
}
