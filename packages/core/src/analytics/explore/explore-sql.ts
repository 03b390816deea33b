import type { AnalyticsInterval, AnalyticsPeriod, BreakdownGroup, ExploreFilter } from "@siyu/contracts";
import { zonedMidnight } from "../../shared/local-time";
import { localDateSql } from "../../warehouse";

/** Columns the warehouse extracts from every event; other property names read properties.<name>. */
const EVENT_COLUMNS: ReadonlySet<string> = new Set(["channel", "store_id", "product_id", "order_id", "currency", "page_name", "page_path", "library"]);
const PROFILE_PREFIX = "profile.";

/**
 * Builds one DuckDB statement's parameters: every value a query compares with is bound,
 * never spliced into the SQL text.
 */
export class SqlBuilder {
  readonly params: string[] = [];
  private usesProfile = false;

  bind(value: string | number | boolean): string {
    // Numbers as text: the driver binds a whole JS number as a 32-bit INTEGER.
    this.params.push(String(value));
    return `$${this.params.length}`;
  }
  text(value: string): string {
    return `${this.bind(value)}::varchar`;
  }
  num(value: number): string {
    return `${this.bind(value)}::double`;
  }
  time(at: Date): string {
    return `${this.bind(at.toISOString())}::timestamptz`;
  }

  /** The property as text (null when absent), from alias `e` (events_with_profile) or `p` (profiles). */
  property(ref: string): string {
    if (ref.startsWith(PROFILE_PREFIX)) {
      this.usesProfile = true;
      return `json_extract_string(p.traits, ${this.bind(`$."${ref.slice(PROFILE_PREFIX.length)}"`)})`;
    }
    if (ref === "revenue") return "cast(e.revenue as varchar)";
    if (EVENT_COLUMNS.has(ref)) return `e.${ref}`;
    return `json_extract_string(e.properties, ${this.bind(`$."${ref}"`)})`;
  }

  /** The property as a number (null when absent or not a number). */
  numericProperty(ref: string): string {
    if (ref === "revenue") return "e.revenue";
    return `try_cast(${this.property(ref)} as double)`;
  }

  /** All filters hold (a missing property fails every test but neq, not_in and is_not_set). */
  filters(where: readonly ExploreFilter[] | undefined): string {
    if (!where?.length) return "true";
    return where.map((f) => `coalesce(${this.filter(f)}, false)`).join(" and ");
  }

  private filter(f: ExploreFilter): string {
    const numeric = typeof f.value === "number" || ["gt", "gte", "lt", "lte"].includes(f.op);
    // Built only where used: every bound parameter must appear in the statement.
    const value = () => (numeric ? this.numericProperty(f.property) : this.property(f.property));
    const bind = (x: string | number | boolean) => (numeric ? this.num(Number(x)) : this.text(String(x)));
    const list = () => (f.value as (string | number | boolean)[]).map((x) => this.text(String(x))).join(", ");
    switch (f.op) {
      case "eq":
        return `${value()} = ${bind(f.value as string)}`;
      case "neq":
        return `${value()} is distinct from ${bind(f.value as string)}`;
      case "in":
        return `${this.property(f.property)} in (${list()})`;
      case "not_in":
        return `coalesce(${this.property(f.property)} not in (${list()}), true)`;
      case "contains":
        return `contains(${this.property(f.property)}, ${this.text(String(f.value))})`;
      case "gt":
        return `${value()} > ${bind(f.value as number)}`;
      case "gte":
        return `${value()} >= ${bind(f.value as number)}`;
      case "lt":
        return `${value()} < ${bind(f.value as number)}`;
      case "lte":
        return `${value()} <= ${bind(f.value as number)}`;
      case "is_set":
        return `${this.property(f.property)} is not null`;
      case "is_not_set":
        return `${this.property(f.property)} is null`;
    }
  }

  /**
   * The FROM clause over events (alias e), joined to the profile snapshot once a profile trait
   * has been read: build a clause's filters before its FROM.
   */
  eventsFrom(): string {
    return this.usesProfile
      ? "events_with_profile e left join profiles p on p.workspace_id = e.workspace_id and p.id = e.profile_id"
      : "events_with_profile e";
  }
}

/** The local calendar bucket of `ts` as its first day (weeks from Monday). */
export function bucketSql(q: SqlBuilder, column: string, interval: AnalyticsInterval, timeZone: string): string {
  return `date_trunc(${q.text(interval)}, ${localDateSql(timeZone, column)})::date`;
}

/** The period's first instant and the instant after its last day, in the workspace's zone. */
export function periodBounds(period: AnalyticsPeriod, timeZone: string): { from: Date; to: Date } {
  const [fy, fm, fd] = period.from.split("-").map(Number) as [number, number, number];
  const next = nextDay(period.to);
  const [ty, tm, td] = next.split("-").map(Number) as [number, number, number];
  return { from: zonedMidnight(fy, fm, fd, timeZone), to: zonedMidnight(ty, tm, td, timeZone) };
}

/** Calendar arithmetic on YYYY-MM-DD strings (no time zone involved). */
export function nextDay(day: string, days = 1): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The first day of the bucket holding `day`. */
export function bucketStart(day: string, interval: AnalyticsInterval): string {
  if (interval === "day") return day;
  if (interval === "month") return `${day.slice(0, 7)}-01`;
  const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0
  return nextDay(day, -weekday);
}

/** The first day of the bucket `n` buckets after the one starting at `start`. */
export function addBuckets(start: string, n: number, interval: AnalyticsInterval): string {
  if (interval === "day") return nextDay(start, n);
  if (interval === "week") return nextDay(start, 7 * n);
  const [y, m] = start.split("-").map(Number) as [number, number];
  const months = y * 12 + (m - 1) + n;
  return `${Math.floor(months / 12)}-${String((months % 12) + 1).padStart(2, "0")}-01`;
}

/** Every bucket the period touches, first days in order. */
export function bucketsOf(period: AnalyticsPeriod, interval: AnalyticsInterval): string[] {
  const out: string[] = [];
  for (let b = bucketStart(period.from, interval); b <= period.to; b = addBuckets(b, 1, interval)) out.push(b);
  return out;
}

/** The breakdown group of a result row (gk: value / other / none, gv: the value). */
export function groupOf(kind: string, value: string | null): BreakdownGroup {
  if (kind === "value") return { kind: "value", value: value ?? "" };
  return kind === "other" ? { kind: "other" } : kind === "none" ? { kind: "none" } : { kind: "all" };
}

/**
 * CTE `top_groups`: the `limit` most frequent breakdown values of `base` (column b), by
 * `rankBy` over the whole period, ties by value.
 */
export function topGroupsCte(q: SqlBuilder, base: string, rankBy: string, limit: number): string {
  return `top_groups as (
    select b from (select b, ${rankBy} as weight from ${base} where b is not null group by b)
    order by weight desc, b limit ${q.bind(limit)}::bigint
  )`;
}

/** Columns gk (value / other / none) and gv (the value, for gk = value) of a row of `alias`. */
export function groupColumnsSql(alias: string): string {
  return `case when ${alias}.b is null then 'none' when ${alias}.b in (select b from top_groups) then 'value' else 'other' end as gk,
    case when ${alias}.b in (select b from top_groups) then ${alias}.b end as gv`;
}

/** Whether a row of gk/gv belongs to the group (for drills into one breakdown series). */
export function groupMatchSql(q: SqlBuilder, group: BreakdownGroup): string {
  if (group.kind === "all") return "true";
  if (group.kind === "value") return `(gk = 'value' and gv = ${q.text(group.value)})`;
  return `gk = ${q.text(group.kind)}`;
}

/** The order of series in an answer: all, then values by weight, then other, then none. */
export const GROUP_ORDER: Record<string, number> = { all: 0, value: 1, other: 2, none: 3 };
