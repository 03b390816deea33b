import type { EventWindow, PropertyFilter, SegmentRule, TraitOp } from "@siyu/contracts";
import { ORDER_COMPLETED } from "../profiles";
import { localDay } from "../shared/local-time";
import { DAY_MS } from "./rule-compiler";
import { parseIsoDate, type TraitCatalogue, type TraitDefinition } from "./trait-catalogue";

// An independent evaluation of rule trees in plain TypeScript over in-memory rows: the
// reference the compiled SQL is tested against. Written from the rule language's
// documentation (docs/modules/segments.md), not from the compiler.

export interface RefProfile {
  id: string;
  mergedInto: string | null;
  name: string | null;
  phone: string | null;
  firstSeenAt: Date | null;
  lastSeenAt: Date | null;
  eventCount: number;
  orderCount: number;
  totalSpendMinor: number;
  lastOrderAt: Date | null;
  traits: Record<string, unknown> | null;
}
export interface RefEvent {
  /** The live profile it belongs to (null: not anchored yet). */
  profileId: string | null;
  event: string | null;
  ts: Date;
  storeId: string | null;
  revenue: number | null;
  properties: Record<string, unknown>;
}
export interface RefScores {
  profileId: string;
  rfmCell: string | null;
  rfmLayer: string | null;
  lifecycleStage: string | null;
  valueTier: string | null;
}
export interface RefClv {
  profileId: string;
  p_alive: number;
  expected_purchases_90d: number;
  expected_value_90d: number | null;
  expected_value_365d: number | null;
}
export interface RefConsent {
  profileId: string;
  channel: string;
  purpose: string;
  granted: boolean;
}
export interface RefData {
  profiles: RefProfile[];
  events: RefEvent[];
  tags: { profileId: string; tagId: string }[];
  scores: RefScores[];
  clv: RefClv[];
  consents: RefConsent[];
}

export interface RefContext {
  now: Date;
  timeZone: string;
  traits: TraitCatalogue;
  segments: ReadonlyMap<string, { rule: SegmentRule }>;
}

/** The ids of live profiles matching the rule, sorted. */
export function referenceEvaluate(rule: SegmentRule, data: RefData, ctx: RefContext): string[] {
  const eventsOf = new Map<string, RefEvent[]>();
  for (const e of data.events) {
    if (!e.profileId) continue;
    const list = eventsOf.get(e.profileId) ?? [];
    list.push(e);
    eventsOf.set(e.profileId, list);
  }
  const live = data.profiles.filter((p) => p.mergedInto === null);
  return live.filter((p) => matches(rule, p, { ...ctx, data, events: eventsOf.get(p.id) ?? [] }, [])).map((p) => p.id).sort();
}

interface Ctx extends RefContext {
  data: RefData;
  events: RefEvent[];
}

function matches(rule: SegmentRule, p: RefProfile, ctx: Ctx, via: string[]): boolean {
  const now = ctx.now.getTime();
  switch (rule.type) {
    case "and":
      return rule.rules.every((r) => matches(r, p, ctx, via));
    case "or":
      return rule.rules.some((r) => matches(r, p, ctx, via));
    case "not":
      return !matches(rule.rule, p, ctx, via);
    case "trait":
      return traitMatches(p, rule.trait, rule.op, rule.value, ctx);
    case "event": {
      const selected = ctx.events.filter((e) => e.event === rule.event && filtersMatch(e, rule.where) && inWindow(e.ts.getTime(), rule.window, now));
      let measured: number | null;
      if (rule.measure.kind === "count") measured = selected.length;
      else {
        const property = rule.measure.property;
        const values = selected.map((e) => (property === "revenue" ? e.revenue : numberOf(e.properties[property]))).filter((v): v is number => v !== null);
        if (rule.measure.kind === "sum") measured = values.reduce((a, b) => a + b, 0);
        else measured = values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
      }
      return measured !== null && compare(measured, rule.op, rule.value);
    }
    case "occurrence": {
      const times = ctx.events.filter((e) => e.event === rule.event && filtersMatch(e, rule.where) && e.ts.getTime() <= now).map((e) => e.ts.getTime());
      if (!times.length) return false;
      const at = rule.which === "first" ? Math.min(...times) : Math.max(...times);
      return inWindow(at, rule.window, now);
    }
    case "tag":
      return ctx.data.tags.some((t) => t.profileId === p.id && t.tagId === rule.tagId);
    case "rfm":
      return ctx.data.scores.some(
        (s) => s.profileId === p.id && ((s.rfmCell !== null && (rule.cells ?? []).includes(s.rfmCell as never)) || (s.rfmLayer !== null && (rule.layers ?? []).includes(s.rfmLayer as never))),
      );
    case "lifecycle":
      return ctx.data.scores.some((s) => s.profileId === p.id && s.lifecycleStage !== null && rule.stages.includes(s.lifecycleStage as never));
    case "value_tier":
      return ctx.data.scores.some((s) => s.profileId === p.id && s.valueTier !== null && rule.tiers.includes(s.valueTier as never));
    case "clv":
      return ctx.data.clv.some((c) => {
        const v = c.profileId === p.id ? c[rule.metric] : null;
        return v !== null && v !== undefined && compare(v, rule.op, rule.value);
      });
    case "consent": {
      const granted = ctx.data.consents.some((k) => k.profileId === p.id && k.channel === rule.channel && k.purpose === rule.purpose && k.granted);
      return rule.granted ? granted : !granted;
    }
    case "store": {
      if (rule.relation === "registered") {
        const v = p.traits?.registration_store;
        return typeof v === "string" && rule.storeIds.includes(v);
      }
      return ctx.events.some((e) => e.event === ORDER_COMPLETED && e.ts.getTime() <= now && e.storeId !== null && rule.storeIds.includes(e.storeId));
    }
    case "segment": {
      const target = ctx.segments.get(rule.segmentId);
      if (!target || via.includes(rule.segmentId)) return false;
      return matches(target.rule, p, ctx, [...via, rule.segmentId]);
    }
  }
}

function numberOf(v: unknown): number | null {
  return typeof v === "number" ? v : null;
}

function compare(v: number, op: string, value: number | [number, number]): boolean {
  return scalar(v, op as TraitOp, value);
}

function scalar(v: string | number | boolean, op: TraitOp, value: unknown): boolean {
  switch (op) {
    case "eq":
      return v === value;
    case "neq":
      return v !== value;
    case "in":
      return (value as unknown[]).includes(v);
    case "not_in":
      return !(value as unknown[]).includes(v);
    case "contains":
      return (v as string).includes(value as string);
    case "starts_with":
      return (v as string).startsWith(value as string);
    case "gt":
      return (v as number) > (value as number);
    case "gte":
      return (v as number) >= (value as number);
    case "lt":
      return (v as number) < (value as number);
    case "lte":
      return (v as number) <= (value as number);
    case "between": {
      const [lo, hi] = value as [number, number];
      return (v as number) >= lo && (v as number) <= hi;
    }
    default:
      return false;
  }
}

function inWindow(ms: number, w: EventWindow, now: number): boolean {
  switch (w.kind) {
    case "ever":
      return ms <= now;
    case "in_last_days":
      return ms >= now - w.days * DAY_MS && ms <= now;
    case "before_last_days":
      return ms < now - w.days * DAY_MS;
    case "between":
      return ms >= Date.parse(w.from) && ms < Date.parse(w.to);
  }
}

function filtersMatch(e: RefEvent, where: PropertyFilter[] | undefined): boolean {
  return (where ?? []).every((f) => {
    const v = e.properties[f.property];
    const present = v !== undefined && v !== null;
    if (f.op === "exists") return present;
    if (f.op === "not_exists") return !present;
    const sample = Array.isArray(f.value) ? f.value[0] : f.value;
    if (typeof v !== typeof sample) return false;
    return scalar(v as string, f.op, f.value);
  });
}

type Typed = { type: "string"; v: string } | { type: "number"; v: number } | { type: "boolean"; v: boolean } | { type: "date"; v: number; day: string };

function traitValue(p: RefProfile, t: TraitDefinition, timeZone: string): Typed | null {
  const from = t.from;
  if (from.kind === "total_spend") return { type: "number", v: p.totalSpendMinor / 100 };
  if (from.kind === "average_order_value") return p.orderCount > 0 ? { type: "number", v: p.totalSpendMinor / 100 / p.orderCount } : null;
  if (from.kind === "column") {
    const columns = {
      name: p.name,
      phone: p.phone,
      first_seen_at: p.firstSeenAt,
      last_seen_at: p.lastSeenAt,
      last_order_at: p.lastOrderAt,
      event_count: p.eventCount,
      order_count: p.orderCount,
    };
    const raw = columns[from.column];
    if (raw === null) return null;
    if (raw instanceof Date) return { type: "date", v: raw.getTime(), day: localDay(raw, timeZone) };
    return typeof raw === "number" ? { type: "number", v: raw } : { type: "string", v: raw };
  }
  const raw = p.traits?.[from.key];
  switch (t.type) {
    case "string":
      return typeof raw === "string" ? { type: "string", v: raw } : null;
    case "number":
      return typeof raw === "number" ? { type: "number", v: raw } : null;
    case "boolean":
      return typeof raw === "boolean" ? { type: "boolean", v: raw } : null;
    case "date": {
      const ms = parseIsoDate(raw);
      return ms === null ? null : { type: "date", v: ms, day: (raw as string).slice(0, 10) };
    }
  }
}

function traitMatches(p: RefProfile, key: string, op: TraitOp, value: unknown, ctx: Ctx): boolean {
  const t = ctx.traits.byKey.get(key);
  if (!t) return false;
  const tv = traitValue(p, t, ctx.timeZone);
  if (op === "exists") return tv !== null;
  if (op === "not_exists") return tv === null;
  if (tv === null) return false;
  const now = ctx.now.getTime();
  if (tv.type === "date") {
    switch (op) {
      case "before":
        return tv.v < parseIsoDate(value)!;
      case "after":
        return tv.v > parseIsoDate(value)!;
      case "between": {
        const [lo, hi] = value as [string, string];
        return tv.v >= parseIsoDate(lo)! && tv.v <= parseIsoDate(hi)!;
      }
      case "in_last_days":
        return tv.v >= now - (value as number) * DAY_MS && tv.v <= now;
      case "not_in_last_days":
        return tv.v < now - (value as number) * DAY_MS;
      case "anniversary_in_next_days":
        return daysToAnniversary(tv.day, localDay(ctx.now, ctx.timeZone)) <= (value as number);
      default:
        return false;
    }
  }
  return scalar(tv.v, op, value);
}

/** Days from `today` to the next anniversary of `day` (both YYYY-MM-DD); 29 February is the 28th in other years. */
function daysToAnniversary(day: string, today: string): number {
  const [, m, d] = day.split("-").map(Number) as [number, number, number];
  const [ty, tm, td] = today.split("-").map(Number) as [number, number, number];
  const t = Date.UTC(ty, tm - 1, td);
  const ann = (y: number) => Date.UTC(y, m - 1, Math.min(d, new Date(Date.UTC(y, m, 0)).getUTCDate()));
  const next = ann(ty) >= t ? ann(ty) : ann(ty + 1);
  return Math.round((next - t) / DAY_MS);
}
