import type { AlertMetric } from "@siyu/contracts";
import type { Warehouse } from "@siyu/storage";
import { endOfLocalDay, startOfLocalDay } from "../../shared/local-time";
import { localDateSql } from "../../warehouse";
import type { SeriesPoint } from "./alert-evaluator";

export type Granularity = "day" | "week";

/** Local calendar days as UTC dates, for arithmetic on YYYY-MM-DD. */
const asDate = (day: string) => new Date(`${day}T00:00:00Z`);
const asDay = (d: Date) => d.toISOString().slice(0, 10);

/** The first day of the period a local day belongs to (weeks start on Monday, as DuckDB's date_trunc). */
export function periodStartOf(day: string, granularity: Granularity): string {
  if (granularity === "day") return day;
  const d = asDate(day);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return asDay(d);
}

export function shiftPeriods(start: string, granularity: Granularity, periods: number): string {
  const d = asDate(start);
  d.setUTCDate(d.getUTCDate() + periods * (granularity === "day" ? 1 : 7));
  return asDay(d);
}

/** Every period start from `first` through `last`, inclusive. */
export function periodsBetween(first: string, last: string, granularity: Granularity): string[] {
  const out: string[] = [];
  for (let p = first; p <= last; p = shiftPeriods(p, granularity, 1)) out.push(p);
  return out;
}

function measure(metric: AlertMetric): { sql: string; params: (string | number)[]; counts: boolean } {
  switch (metric.kind) {
    case "active_customers":
      return { sql: "count(distinct e.profile_id) filter (where e.profile_id is not null)", params: [], counts: true };
    case "orders":
      return { sql: "count(*) filter (where e.type = 'track' and e.event = 'Order Completed')", params: [], counts: true };
    case "revenue":
      return { sql: "coalesce(sum(e.revenue) filter (where e.type = 'track' and e.event = 'Order Completed'), 0)", params: [], counts: true };
    case "event_count":
      return { sql: "count(*) filter (where e.type = 'track' and e.event = $4)", params: [metric.event], counts: true };
    case "event_ratio":
      return {
        sql: "count(*) filter (where e.type = 'track' and e.event = $4) / nullif(count(*) filter (where e.type = 'track' and e.event = $5), 0)",
        params: [metric.event, metric.per],
        counts: false,
      };
    case "property_average":
      return {
        sql: "avg(try_cast(json_extract_string(e.properties, $5) as double)) filter (where e.type = 'track' and e.event = $4)",
        params: [metric.event, `$."${metric.property.replace(/"/g, '\\"')}"`],
        counts: false,
      };
    case "new_customers":
      throw new Error("new_customers is read from the profiles");
  }
}

export interface SeriesInput {
  workspaceId: string;
  metric: AlertMetric;
  granularity: Granularity;
  timeZone: string;
  /** First and last period start (local days). */
  first: string;
  last: string;
}

/**
 * One value per complete period in one DuckDB query, bucketed in the workspace's time zone.
 * Counts are 0 in a period without events; ratios and averages are null there.
 */
export async function metricSeries(warehouse: Warehouse, input: SeriesInput): Promise<SeriesPoint[]> {
  const from = startOfLocalDay(input.first, input.timeZone).toISOString();
  const to = endOfLocalDay(lastDayOf(input.last, input.granularity), input.timeZone).toISOString();
  const bucket = (column: string) => `date_trunc('${input.granularity}', ${localDateSql(input.timeZone, column)})::date::varchar`;
  let rows: { period: string; value: number | null }[];
  let counts = true;
  if (input.metric.kind === "new_customers") {
    rows = await warehouse.query(
      `select ${bucket("p.first_seen_at")} as period, count(*)::double as value
       from profiles p where p.workspace_id = $1::uuid and p.merged_into is null and p.first_seen_at >= $2::timestamptz and p.first_seen_at < $3::timestamptz
       group by 1`,
      [input.workspaceId, from, to],
    );
  } else {
    const m = measure(input.metric);
    counts = m.counts;
    rows = await warehouse.query(
      `select ${bucket("e.ts")} as period, (${m.sql})::double as value
       from events_with_profile e where e.workspace_id = $1::uuid and e.ts >= $2::timestamptz and e.ts < $3::timestamptz
       group by 1`,
      [input.workspaceId, from, to, ...m.params],
    );
  }
  const byPeriod = new Map(rows.map((r) => [r.period, r.value]));
  return periodsBetween(input.first, input.last, input.granularity).map((periodStart) => ({
    periodStart,
    value: byPeriod.get(periodStart) ?? (counts ? 0 : null),
  }));
}

function lastDayOf(periodStart: string, granularity: Granularity): string {
  return granularity === "day" ? periodStart : shiftPeriods(periodStart, "day", 6);
}
