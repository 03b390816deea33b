import type { EventWindow, PropertyFilter, SegmentRule, TraitOp } from "@siyu/contracts";
import { ORDER_COMPLETED } from "../profiles";
import { localDay } from "../shared/local-time";
import { ISO_DATE_PATTERN, parseIsoDate, type TraitCatalogue, type TraitDefinition } from "./trait-catalogue";

export const DAY_MS = 86_400_000;

export interface CompileInput {
  workspaceId: string;
  /** The evaluation time: relative windows end here. */
  now: Date;
  /** The workspace's IANA time zone: "today" for anniversaries. */
  timeZone: string;
  traits: TraitCatalogue;
  /** Saved segments' current rules, inlined where a rule references them. */
  segments: ReadonlyMap<string, { rule: SegmentRule }>;
}

export interface CompiledRule {
  /** One DuckDB query returning `profile_id` (distinct, live profiles of the workspace). */
  sql: string;
  params: (string | number | boolean)[];
}

/**
 * Compiles a (validated) rule tree to ONE DuckDB query over the warehouse. Every value is a
 * bound parameter. Each condition compiles to a predicate that is TRUE or FALSE, never NULL
 * (a missing value makes a comparison false), so `not` is plain set complement.
 */
export function compileRule(rule: SegmentRule, input: CompileInput): CompiledRule {
  const c = new Compiler(input);
  const ws = c.wsRef();
  const where = c.rule(rule, []);
  return {
    sql: `select p.id as profile_id from profiles p where p.workspace_id = ${ws} and p.merged_into is null and (${where})`,
    params: c.params,
  };
}

const NUMERIC_JSON = "('BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT')";

class Compiler {
  params: (string | number | boolean)[] = [];
  private ws: string;
  private now: string;
  private nowMs: number;
  constructor(private input: CompileInput) {
    this.ws = "";
    this.now = "";
    this.nowMs = input.now.getTime();
  }

  param(value: string | number | boolean): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
  private str(v: string) {
    return `${this.param(v)}::varchar`;
  }
  private num(v: number) {
    // As text: the driver binds a whole JS number as a 32-bit INTEGER, which overflows epoch milliseconds.
    return `${this.param(String(v))}::double`;
  }
  private bool(v: boolean) {
    return `${this.param(v)}::boolean`;
  }
  private time(ms: number) {
    return `${this.param(new Date(ms).toISOString())}::timestamptz`;
  }
  wsRef() {
    if (!this.ws) this.ws = `${this.param(this.input.workspaceId)}::uuid`;
    return this.ws;
  }
  private nowRef() {
    if (!this.now) this.now = this.time(this.nowMs);
    return this.now;
  }

  rule(node: SegmentRule, via: readonly string[]): string {
    switch (node.type) {
      case "and":
        return node.rules.length ? node.rules.map((r) => `(${this.rule(r, via)})`).join(" and ") : "true";
      case "or":
        return node.rules.length ? node.rules.map((r) => `(${this.rule(r, via)})`).join(" or ") : "false";
      case "not":
        return `not (${this.rule(node.rule, via)})`;
      case "trait":
        return `coalesce(${this.trait(node.trait, node.op, node.value)}, false)`;
      case "event":
        return this.event(node);
      case "occurrence":
        return this.occurrence(node);
      case "tag":
        return `exists (select 1 from profile_tags t where t.workspace_id = ${this.wsRef()} and t.profile_id = p.id and t.tag_id = ${this.param(node.tagId)}::uuid)`;
      case "rfm": {
        const parts: string[] = [];
        if (node.cells?.length) parts.push(`s.rfm_cell in (${node.cells.map((v) => this.str(v)).join(", ")})`);
        if (node.layers?.length) parts.push(`s.rfm_layer in (${node.layers.map((v) => this.str(v)).join(", ")})`);
        return this.scores(parts.length ? parts.join(" or ") : "false");
      }
      case "lifecycle":
        return this.scores(`s.lifecycle_stage in (${node.stages.map((v) => this.str(v)).join(", ")})`);
      case "value_tier":
        return this.scores(`s.value_tier in (${node.tiers.map((v) => this.str(v)).join(", ")})`);
      case "clv": {
        const cmp = this.compare(`c.${node.metric}`, node.op, node.value);
        return `exists (select 1 from profile_clv c where c.workspace_id = ${this.wsRef()} and c.profile_id = p.id and coalesce(${cmp}, false))`;
      }
      case "consent": {
        const granted = `exists (select 1 from profile_consents k where k.workspace_id = ${this.wsRef()} and k.profile_id = p.id
          and k.channel = ${this.str(node.channel)} and k.purpose = ${this.str(node.purpose)} and k.granted)`;
        return node.granted ? granted : `not ${granted}`;
      }
      case "store": {
        const ids = node.storeIds.map((v) => this.str(v)).join(", ");
        if (node.relation === "registered") {
          return `coalesce(${this.traitValue(this.traitDef("registration_store"))} in (${ids}), false)`;
        }
        return `exists (select 1 from events_with_profile e where e.workspace_id = ${this.wsRef()} and e.profile_id = p.id
          and e.event = ${this.str(ORDER_COMPLETED)} and e.ts <= ${this.nowRef()} and e.store_id in (${ids}))`;
      }
      case "segment": {
        const target = this.input.segments.get(node.segmentId);
        // Validation refuses unknown and cyclic references; a stale one matches nobody rather than failing.
        if (!target || via.includes(node.segmentId)) return "false";
        return `(${this.rule(target.rule, [...via, node.segmentId])})`;
      }
    }
  }

  private scores(predicate: string) {
    return `exists (select 1 from profile_scores s where s.workspace_id = ${this.wsRef()} and s.profile_id = p.id and coalesce(${predicate}, false))`;
  }

  private traitDef(key: string): TraitDefinition {
    const t = this.input.traits.byKey.get(key);
    if (!t) throw new Error(`Unknown trait ${key} (validate rules before compiling them)`);
    return t;
  }

  /** The trait's value as a typed SQL expression (dates as epoch milliseconds), NULL when missing or of another type. */
  private traitValue(t: TraitDefinition): string {
    const from = t.from;
    switch (from.kind) {
      case "column":
        return t.type === "date" ? `epoch_ms(p.${from.column})::double` : t.type === "number" ? `p.${from.column}::double` : `p.${from.column}`;
      case "total_spend":
        return "(p.total_spend_minor::double / 100)";
      case "average_order_value":
        return "(case when p.order_count > 0 then p.total_spend_minor::double / 100 / p.order_count end)";
      case "json":
        return jsonValue("p.traits", this.param(`$."${from.key}"`), t.type);
    }
  }

  /** The calendar day of a date trait: a string's own date part, a column's day in the workspace's zone. */
  private traitDay(t: TraitDefinition): string {
    if (t.from.kind === "column") return `(timezone(${this.str(this.input.timeZone)}, p.${t.from.column}))::date`;
    const path = this.param(`$."${t.from.kind === "json" ? t.from.key : ""}"`);
    return `(case when ${jsonValue("p.traits", path, "date")} is not null then try_cast(substr(json_extract_string(p.traits, ${path}), 1, 10) as date) end)`;
  }

  private trait(key: string, op: TraitOp, value: unknown): string {
    const t = this.traitDef(key);
    if (op === "anniversary_in_next_days") {
      return anniversaryWithin(this.traitDay(t), this.param(localDay(this.input.now, this.input.timeZone)), this.num(value as number));
    }
    const v = this.traitValue(t);
    if (op === "exists") return `(${v} is not null)`;
    if (op === "not_exists") return `(${v} is null)`;
    if (t.type === "date") {
      switch (op) {
        case "before":
          return `(${v} < ${this.num(parseIsoDate(value)!)})`;
        case "after":
          return `(${v} > ${this.num(parseIsoDate(value)!)})`;
        case "between": {
          const [lo, hi] = value as [string, string];
          return `(${v} between ${this.num(parseIsoDate(lo)!)} and ${this.num(parseIsoDate(hi)!)})`;
        }
        case "in_last_days":
          return `(${v} between ${this.num(this.nowMs - (value as number) * DAY_MS)} and ${this.num(this.nowMs)})`;
        case "not_in_last_days":
          return `(${v} < ${this.num(this.nowMs - (value as number) * DAY_MS)})`;
        default:
          throw new Error(`Operator ${op} does not fit a date trait`);
      }
    }
    return this.scalarOp(v, op, value, t.type === "number" ? "number" : t.type === "boolean" ? "boolean" : "string");
  }

  /** eq … between over a typed expression, values bound with the type they compare as. */
  private scalarOp(v: string, op: TraitOp, value: unknown, type: "string" | "number" | "boolean"): string {
    const bind = (x: unknown) => (type === "number" ? this.num(x as number) : type === "boolean" ? this.bool(x as boolean) : this.str(x as string));
    switch (op) {
      case "eq":
        return `(${v} = ${bind(value)})`;
      case "neq":
        return `(${v} <> ${bind(value)})`;
      case "in":
        return `(${v} in (${(value as unknown[]).map(bind).join(", ")}))`;
      case "not_in":
        return `(${v} is not null and ${v} not in (${(value as unknown[]).map(bind).join(", ")}))`;
      case "contains":
        return `contains(${v}, ${bind(value)})`;
      case "starts_with":
        return `starts_with(${v}, ${bind(value)})`;
      case "gt":
        return `(${v} > ${bind(value)})`;
      case "gte":
        return `(${v} >= ${bind(value)})`;
      case "lt":
        return `(${v} < ${bind(value)})`;
      case "lte":
        return `(${v} <= ${bind(value)})`;
      case "between": {
        const [lo, hi] = value as [unknown, unknown];
        return `(${v} between ${bind(lo)} and ${bind(hi)})`;
      }
      default:
        throw new Error(`Operator ${op} does not fit a ${type} value`);
    }
  }

  private compare(v: string, op: string, value: number | [number, number]): string {
    return this.scalarOp(v, op as TraitOp, value, "number");
  }

  private window(w: EventWindow, column: string): string {
    switch (w.kind) {
      case "ever":
        return `${column} <= ${this.nowRef()}`;
      case "in_last_days":
        return `${column} between ${this.time(this.nowMs - w.days * DAY_MS)} and ${this.nowRef()}`;
      case "before_last_days":
        return `${column} < ${this.time(this.nowMs - w.days * DAY_MS)}`;
      case "between":
        return `${column} >= ${this.time(Date.parse(w.from))} and ${column} < ${this.time(Date.parse(w.to))}`;
    }
  }

  private filters(where: PropertyFilter[] | undefined): string {
    if (!where?.length) return "";
    return where
      .map((f) => {
        const path = this.param(`$."${f.property}"`);
        if (f.op === "exists") return ` and coalesce(json_type(e.properties, ${path}) <> 'NULL', false)`;
        if (f.op === "not_exists") return ` and not coalesce(json_type(e.properties, ${path}) <> 'NULL', false)`;
        const sample = Array.isArray(f.value) ? f.value[0] : f.value;
        const type = typeof sample === "number" ? "number" : typeof sample === "boolean" ? "boolean" : "string";
        return ` and coalesce(${this.scalarOp(jsonValue("e.properties", path, type), f.op, f.value, type)}, false)`;
      })
      .join("");
  }

  private matching(node: { event: string; where?: PropertyFilter[] }): string {
    return `from events_with_profile e where e.workspace_id = ${this.wsRef()} and e.profile_id = p.id
      and e.event = ${this.str(node.event)}${this.filters(node.where)}`;
  }

  private event(node: Extract<SegmentRule, { type: "event" }>): string {
    const m = node.measure;
    const numeric = m.kind === "count" ? "" : m.property === "revenue" ? "e.revenue" : jsonValue("e.properties", this.param(`$."${m.property}"`), "number");
    const agg = m.kind === "count" ? "count(*)::double" : m.kind === "sum" ? `coalesce(sum(${numeric}), 0)::double` : `avg(${numeric})::double`;
    const measured = `(select ${agg} ${this.matching(node)} and ${this.window(node.window, "e.ts")})`;
    // No matching event: the count and the sum are 0, the average is missing (the comparison fails).
    const value = m.kind === "avg" ? measured : `coalesce(${measured}, 0)`;
    return `coalesce(${this.compare(value, node.op, node.value)}, false)`;
  }

  private occurrence(node: Extract<SegmentRule, { type: "occurrence" }>): string {
    const at = `(select ${node.which === "first" ? "min" : "max"}(e.ts) ${this.matching(node)} and e.ts <= ${this.nowRef()})`;
    if (node.window.kind === "between") {
      const from = this.time(Date.parse(node.window.from));
      const to = this.time(Date.parse(node.window.to));
      return `coalesce(${at} >= ${from} and ${at} < ${to}, false)`;
    }
    return `coalesce(${this.window(node.window, at)}, false)`;
  }
}

/** A JSON value at `path` as the type (dates as epoch milliseconds), NULL when absent or of another JSON type. */
function jsonValue(json: string, path: string, type: "string" | "number" | "boolean" | "date"): string {
  const raw = `json_extract_string(${json}, ${path})`;
  const jt = `json_type(${json}, ${path})`;
  switch (type) {
    case "string":
      return `(case when ${jt} = 'VARCHAR' then ${raw} end)`;
    case "number":
      return `(case when ${jt} in ${NUMERIC_JSON} then ${raw}::double end)`;
    case "boolean":
      return `(case when ${jt} = 'BOOLEAN' then ${raw} = 'true' end)`;
    case "date":
      return `(case when ${jt} = 'VARCHAR' then ${isoDate(raw)} end)`;
  }
}

/** Epoch milliseconds of an ISO date string, the same reading as parseIsoDate (no offset means UTC). */
function isoDate(s: string): string {
  return `(case when regexp_full_match(${s}, '${ISO_DATE_PATTERN}') then
            (case when regexp_matches(${s}, '(Z|[+-]\\d{2}:\\d{2})$') then epoch_ms(try_cast(${s} as timestamptz))
                  else epoch_ms(try_cast(${s} as timestamp)) end)::double end)`;
}

/**
 * The next anniversary of `day` (this year's, or next year's once passed; 29 February falls on
 * the 28th in other years) is at most `days` days after `today`.
 */
function anniversaryWithin(day: string, today: string, days: string): string {
  const ann = (year: string) => `make_date(${year}, month(b), least(day(b), day(last_day(make_date(${year}, month(b), 1)))))`;
  const next = `(case when ${ann("year(t)")} >= t then ${ann("year(t)")} else ${ann("year(t) + 1")} end)`;
  // The day is computed once per profile in a one-row subquery; a missing day makes the condition false.
  return `(select ${next} - t <= ${days} from (select ${day} as b, ${today}::date as t) x where b is not null)`;
}
