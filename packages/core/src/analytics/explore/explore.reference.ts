// Plain-TypeScript recomputations of the explore queries, for tests only: loops over the
// events, no SQL, so that each query is checked against an independent reading of its definition.
import type { AnalyticsInterval, AnalyticsPeriod, EventsQuery, ExploreFilter, FunnelQuery, PathsQuery, RetentionQuery } from "@siyu/contracts";
import type { SyntheticEvent } from "./explore.fixtures";
import { periodBounds } from "./explore-sql";

export interface RefEvent extends SyntheticEvent {
  seq: number;
}

export function withSeq(events: readonly SyntheticEvent[], firstSeq = 1): RefEvent[] {
  return events.map((e, i) => ({ ...e, seq: firstSeq + i }));
}

/** Local wall-clock parts of `at` in the zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();
function local(at: Date, timeZone: string): { y: number; m: number; d: number } {
  let f = formatters.get(timeZone);
  if (!f) formatters.set(timeZone, (f = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" })));
  const parts = f.format(at);
  const [y, m, d] = parts.split("-").map(Number) as [number, number, number];
  return { y, m, d };
}

function dayNumber(y: number, m: number, d: number): number {
  return Date.UTC(y, m - 1, d) / 86_400_000;
}

/** The bucket index (days, Monday weeks or months since the epoch) of `at` in the zone. */
export function bucketIndex(at: Date, interval: AnalyticsInterval, timeZone: string): number {
  const { y, m, d } = local(at, timeZone);
  if (interval === "month") return y * 12 + m - 1;
  const day = dayNumber(y, m, d);
  if (interval === "day") return day;
  return Math.floor((day + 3) / 7); // 1970-01-01 was a Thursday: day + 3 counts from a Monday
}

function bucketOfDay(day: string, interval: AnalyticsInterval): number {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  if (interval === "month") return y * 12 + m - 1;
  const n = dayNumber(y, m, d);
  return interval === "day" ? n : Math.floor((n + 3) / 7);
}

export function bucketLabel(index: number, interval: AnalyticsInterval): string {
  if (interval === "month") return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}-01`;
  const day = interval === "day" ? index : index * 7 - 3;
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

export function inPeriod(at: Date, period: AnalyticsPeriod, timeZone: string): boolean {
  const { y, m, d } = local(at, timeZone);
  const day = `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
  return day >= period.from && day <= period.to;
}

type Traits = ReadonlyMap<number, Record<string, unknown>>;

export function propertyOf(e: SyntheticEvent, ref: string, traits: Traits): string | null {
  if (ref.startsWith("profile.")) {
    const v = e.actor === null ? undefined : traits.get(e.actor)?.[ref.slice(8)];
    return v === undefined || v === null ? null : String(v);
  }
  if (ref === "channel") return e.channel ?? null;
  if (ref === "store_id") return e.storeId ?? null;
  if (ref === "revenue") return e.revenue === null || e.revenue === undefined ? null : String(e.revenue);
  const v = e.properties?.[ref];
  return v === undefined || v === null ? null : typeof v === "object" ? JSON.stringify(v) : String(v);
}

function numberOf(s: string | null): number | null {
  if (s === null || s.trim() === "") return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

export function passes(e: SyntheticEvent, where: readonly ExploreFilter[] | undefined, traits: Traits): boolean {
  return (where ?? []).every((f) => {
    const v = propertyOf(e, f.property, traits);
    const numeric = typeof f.value === "number" || ["gt", "gte", "lt", "lte"].includes(f.op);
    const x = numeric ? numberOf(v) : v;
    const list = Array.isArray(f.value) ? f.value.map(String) : [];
    switch (f.op) {
      case "eq":
        return x !== null && (numeric ? x === f.value : x === String(f.value));
      case "neq":
        return x === null || (numeric ? x !== f.value : x !== String(f.value));
      case "in":
        return v !== null && list.includes(v);
      case "not_in":
        return v === null || !list.includes(v);
      case "contains":
        return v !== null && v.includes(String(f.value));
      case "gt":
        return x !== null && (x as number) > (f.value as number);
      case "gte":
        return x !== null && (x as number) >= (f.value as number);
      case "lt":
        return x !== null && (x as number) < (f.value as number);
      case "lte":
        return x !== null && (x as number) <= (f.value as number);
      case "is_set":
        return v !== null;
      case "is_not_set":
        return v === null;
    }
  });
}

function byActor(events: readonly RefEvent[], keep: (e: RefEvent) => boolean): Map<number, RefEvent[]> {
  const out = new Map<number, RefEvent[]>();
  for (const e of events) {
    if (e.actor === null || !keep(e)) continue;
    const list = out.get(e.actor) ?? [];
    list.push(e);
    out.set(e.actor, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.at.getTime() - b.at.getTime() || a.seq - b.seq);
  return out;
}

/** Top `limit` values by weight (ties by value), as a set. */
function topValues(weights: Map<string, number>, limit: number): Set<string> {
  return new Set([...weights].sort(([a, wa], [b, wb]) => wb - wa || (a < b ? -1 : a > b ? 1 : 0)).slice(0, limit).map(([v]) => v));
}

function groupKey(value: string | null, top: Set<string>): string {
  return value === null ? "none" : top.has(value) ? `value:${value}` : "other";
}

// ---------------------------------------------------------------------------------------------

export function refEvents(events: readonly RefEvent[], query: EventsQuery, timeZone: string, traits: Traits = new Map()) {
  const rows = events.filter((e) => e.event === query.event && inPeriod(e.at, query.period, timeZone) && passes(e, query.where, traits));
  const measure = (list: RefEvent[]): number => {
    if (query.measure.kind === "count") return list.length;
    if (query.measure.kind === "unique") return new Set(list.filter((e) => e.actor !== null).map((e) => e.actor)).size;
    const property = query.measure.property;
    return list.reduce((s, e) => s + (numberOf(propertyOf(e, property, traits)) ?? 0), 0);
  };
  const first = bucketOfDay(query.period.from, query.interval);
  const last = bucketOfDay(query.period.to, query.interval);
  const buckets = Array.from({ length: last - first + 1 }, (_, i) => bucketLabel(first + i, query.interval));
  const groups = new Map<string, RefEvent[]>();
  let top = new Set<string>();
  if (query.breakdown) {
    const values = new Map<string, RefEvent[]>();
    for (const e of rows) {
      const v = propertyOf(e, query.breakdown.property, traits);
      if (v !== null) values.set(v, [...(values.get(v) ?? []), e]);
    }
    top = topValues(new Map([...values].map(([v, list]) => [v, measure(list)])), query.breakdown.limit ?? 10);
  }
  for (const e of rows) {
    const key = query.breakdown ? groupKey(propertyOf(e, query.breakdown.property, traits), top) : "all";
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const series = new Map<string, { values: number[]; total: number }>();
  for (const [key, list] of groups) {
    series.set(key, {
      values: buckets.map((_, i) => measure(list.filter((e) => bucketIndex(e.at, query.interval, timeZone) === first + i))),
      total: measure(list),
    });
  }
  return { buckets, series, total: measure(rows) };
}

export function refFunnel(events: readonly RefEvent[], query: FunnelQuery, timeZone: string, traits: Traits = new Map()) {
  const windowMs = query.window.value * { minute: 60, hour: 3600, day: 86_400 }[query.window.unit] * 1000;
  const stepEvents = new Set(query.steps.map((s) => s.event));
  const { from, to } = periodBounds(query.period, timeZone);
  // Strict order follows the named events (a page view between two steps does not break it).
  const actors = byActor(events, (e) => e.event !== null && (query.order === "strict" || stepEvents.has(e.event)));
  const matches = (e: RefEvent, i: number) => e.event === query.steps[i]!.event && passes(e, query.steps[i]!.where, traits);
  const result = new Map<number, { level: number; times: number[]; b: string | null }>();
  for (const [actor, all] of actors) {
    // Events from the period's start to its end plus the window.
    const list = all.filter((e) => e.at >= from && e.at.getTime() < to.getTime() + windowMs);
    let best: { level: number; times: number[]; b: string | null } | null = null;
    list.forEach((start, si) => {
      if (!matches(start, 0) || !inPeriod(start.at, query.period, timeZone)) return;
      const times = [start.at.getTime()];
      let pos = si;
      for (let k = 1; k < query.steps.length; k++) {
        let found = -1;
        if (query.order === "strict") {
          if (pos + 1 < list.length && matches(list[pos + 1]!, k)) found = pos + 1;
        } else {
          for (let j = pos + 1; j < list.length; j++) if (matches(list[j]!, k)) { found = j; break; }
        }
        if (found < 0 || list[found]!.at.getTime() - times[0]! > windowMs) break;
        times.push(list[found]!.at.getTime());
        pos = found;
      }
      if (!best || times.length > best.level) best = { level: times.length, times, b: query.breakdown ? propertyOf(start, query.breakdown.property, traits) : null };
    });
    if (best) result.set(actor, best);
  }
  const summarise = (rows: { level: number; times: number[] }[]) => {
    const counts = query.steps.map((_, i) => rows.filter((r) => r.level >= i + 1).length);
    const converted = rows.filter((r) => r.level === query.steps.length).map((r) => (r.times[r.times.length - 1]! - r.times[0]!) / 1000);
    const medians = query.steps.map((_, i) => (i === 0 ? null : quantile(rows.filter((r) => r.level >= i + 1).map((r) => (r.times[i]! - r.times[i - 1]!) / 1000), 0.5)));
    return { counts, medians, median: quantile(converted, 0.5), p90: quantile(converted, 0.9) };
  };
  const all = [...result.values()];
  const groups = new Map<string, typeof all>();
  let topGroups = new Set<string>();
  if (query.breakdown) {
    const weights = new Map<string, number>();
    for (const r of all) if (r.b !== null) weights.set(r.b, (weights.get(r.b) ?? 0) + 1);
    const top = (topGroups = topValues(weights, query.breakdown.limit ?? 10));
    for (const r of all) groups.set(groupKey(r.b, top), [...(groups.get(groupKey(r.b, top)) ?? []), r]);
  }
  const dropped = (step: number) => [...result].filter(([, r]) => r.level === step).map(([actor]) => actor).sort((a, b) => a - b);
  /** The time of the last step each dropped customer reached, by actor. */
  const droppedAt = (step: number) => new Map([...result].filter(([, r]) => r.level === step).map(([actor, r]) => [actor, r.times[step - 1]!]));
  /** The breakdown group key of each customer (value:…, other, none; "all" without a breakdown). */
  const groupOfActor = new Map([...result].map(([actor, r]) => [actor, query.breakdown ? groupKey(r.b, topGroups) : "all"]));
  return { all: summarise(all), groups: new Map([...groups].map(([k, rows]) => [k, summarise(rows)])), dropped, droppedAt, groupOfActor };
}

function localDayOf(at: Date, timeZone: string): string {
  const { y, m, d } = local(at, timeZone);
  return `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** Linear interpolation between order statistics (DuckDB's quantile_cont). */
export function quantile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo]! + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]!) - sorted[lo]!);
}

export function refRetention(events: readonly RefEvent[], query: RetentionQuery, timeZone: string, traits: Traits = new Map()) {
  const cohortStep = query.cohort.kind === "first_order" ? { event: "Order Completed", where: undefined } : query.cohort;
  const cohorts = new Map<number, { size: number; returned: number[] }>();
  const actors = byActor(events, () => true);
  for (const list of actors.values()) {
    const inScope = list.filter((e) => localDayOf(e.at, timeZone) <= query.period.to);
    const first = inScope.find((e) => e.event === cohortStep.event && passes(e, cohortStep.where, traits));
    if (!first || !inPeriod(first.at, query.period, timeZone)) continue;
    const c = bucketIndex(first.at, query.interval, timeZone);
    const ks = new Set(
      inScope
        .filter((e) => e.at.getTime() > first.at.getTime() && e.event === query.returnEvent.event && passes(e, query.returnEvent.where, traits))
        .map((e) => bucketIndex(e.at, query.interval, timeZone) - c),
    );
    const maxK = Math.max(-1, ...ks);
    const entry = cohorts.get(c) ?? { size: 0, returned: Array.from({ length: query.periods + 1 }, () => 0) };
    entry.size += 1;
    for (let j = 0; j <= query.periods; j++) if (query.mode === "bounded" ? ks.has(j) : maxK >= j) entry.returned[j]! += 1;
    cohorts.set(c, entry);
  }
  const last = bucketOfDay(query.period.to, query.interval);
  return [...cohorts]
    .sort(([a], [b]) => a - b)
    .map(([c, { size, returned }]) => ({ cohort: bucketLabel(c, query.interval), size, counts: returned.map((n, j) => (c + j > last ? null : n)) }));
}

export function refPaths(events: readonly RefEvent[], query: PathsQuery, timeZone: string, traits: Traits = new Map()) {
  const actors = byActor(events, (e) => e.event !== null && inPeriod(e.at, query.period, timeZone));
  const sequences: string[][] = [];
  for (const list of actors.values()) {
    // Runs of the same event (when collapsing): [event, anchor-in-run]
    const runs: { event: string; anchor: boolean }[] = [];
    // byActor kept named events only.
    for (const e of list) {
      const anchor = e.event === query.event && passes(e, query.where, traits);
      const lastRun = runs[runs.length - 1];
      if (query.collapseRepeats && lastRun && lastRun.event === e.event) lastRun.anchor ||= anchor;
      else runs.push({ event: e.event!, anchor });
    }
    const a = runs.findIndex((r) => r.anchor);
    if (a < 0) continue;
    const seq: string[] = [];
    for (let s = 1; s <= query.depth; s++) {
      const r = runs[query.direction === "next" ? a + s : a - s];
      if (!r) break;
      seq.push(r.event);
    }
    sequences.push(seq);
  }
  const tops: Set<string>[] = [];
  for (let s = 0; s < query.depth; s++) {
    const w = new Map<string, number>();
    for (const seq of sequences) if (seq[s] !== undefined) w.set(seq[s]!, (w.get(seq[s]!) ?? 0) + 1);
    tops.push(topValues(w, query.limit));
  }
  const sign = query.direction === "next" ? 1 : -1;
  const label = (s: number, ev: string) => `${(s + 1) * sign}:${tops[s]!.has(ev) ? ev : "~other"}`;
  const nodes = new Map<string, number>();
  const links = new Map<string, number>();
  const add = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const seq of sequences) {
    let prev = `0:${query.event}`;
    seq.forEach((ev, s) => {
      const id = label(s, ev);
      add(nodes, id);
      add(links, `${prev} -> ${id}`);
      prev = id;
    });
  }
  if (sequences.length > 0) nodes.set(`0:${query.event}`, sequences.length);
  return { customers: sequences.length, nodes, links };
}
