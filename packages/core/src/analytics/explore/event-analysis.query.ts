import type { EventsQuery, EventsResultDto, SeriesDto } from "@siyu/contracts";
import type { Warehouse } from "@siyu/storage";
import { bucketSql, bucketsOf, GROUP_ORDER, groupColumnsSql, groupOf, periodBounds, SqlBuilder, topGroupsCte } from "./explore-sql";

interface Row {
  bucket: string | null;
  gk: string;
  gv: string | null;
  value: number;
}

/**
 * An event counted, summed or as distinct customers per local day / week / month, optionally
 * split by a property into its top N values, "other" and "none". One DuckDB query: the
 * buckets per group and each group's total come from grouping sets, so a unique-customer
 * total is distinct over the period, not a sum of buckets.
 */
export async function analyseEvents(warehouse: Warehouse, workspaceId: string, timeZone: string, query: EventsQuery): Promise<EventsResultDto> {
  const q = new SqlBuilder();
  const { from, to } = periodBounds(query.period, timeZone);
  const m = query.measure;
  const value = m.kind === "sum" ? q.numericProperty(m.property) : "null::double";
  const breakdown = query.breakdown ? q.property(query.breakdown.property) : "null::varchar";
  const where = `e.workspace_id = ${q.bind(workspaceId)}::uuid and e.event = ${q.text(query.event)}
    and e.ts >= ${q.time(from)} and e.ts < ${q.time(to)} and ${q.filters(query.where)}`;
  const agg = (alias: string) =>
    m.kind === "count" ? "count(*)::double" : m.kind === "unique" ? `count(distinct ${alias}.actor)::double` : `coalesce(sum(${alias}.v), 0)::double`;
  const bucket = bucketSql(q, "e.ts", query.interval, timeZone);

  const base = `base as (select strftime(${bucket}, '%Y-%m-%d') as bucket, e.profile_id as actor, ${value} as v, ${breakdown} as b
    from ${q.eventsFrom()} where ${where})`;
  const sql = query.breakdown
    ? `with ${base}, ${topGroupsCte(q, "base", agg("base"), query.breakdown.limit ?? 10)},
        grouped as (select bucket, actor, v, ${groupColumnsSql("base")} from base)
       select bucket, gk, gv, ${agg("grouped")} as value from grouped group by grouping sets ((bucket, gk, gv), (gk, gv), ())`
    : `with ${base} select bucket, 'all' as gk, null as gv, ${agg("base")} as value from base group by grouping sets ((bucket), ())`;
  const rows = await warehouse.query<Row>(sql, q.params);

  const buckets = bucketsOf(query.period, query.interval);
  const index = new Map(buckets.map((b, i) => [b, i]));
  const series = new Map<string, SeriesDto & { order: number }>();
  let total = 0;
  for (const row of rows) {
    if (row.gk === null || (row.gk === "all" && row.bucket === null && query.breakdown)) {
      total = row.value;
      continue;
    }
    const key = `${row.gk}\u0000${row.gv ?? ""}`;
    let s = series.get(key);
    if (!s) series.set(key, (s = { group: groupOf(row.gk, row.gv), values: buckets.map(() => 0), total: 0, order: GROUP_ORDER[row.gk] ?? 9 }));
    if (row.bucket === null) s.total = row.value;
    else s.values[index.get(row.bucket)!] = row.value;
  }
  if (!query.breakdown) total = series.get("all\u0000")?.total ?? 0;
  const ordered = [...series.values()].sort((a, b) => a.order - b.order || b.total - a.total || compareGroups(a, b)).map(({ order: _order, ...s }) => s);
  if (!query.breakdown && ordered.length === 0) ordered.push({ group: { kind: "all" }, values: buckets.map(() => 0), total: 0 });
  return { interval: query.interval, buckets, series: ordered, total };
}

function compareGroups(a: SeriesDto, b: SeriesDto): number {
  const av = a.group.kind === "value" ? a.group.value : "";
  const bv = b.group.kind === "value" ? b.group.value : "";
  return av < bv ? -1 : av > bv ? 1 : 0;
}
