import type { RetentionQuery, RetentionResultDto } from "@siyu/contracts";
import type { Warehouse } from "@siyu/storage";
import { ORDER_COMPLETED } from "../../profiles";
import { eventSequences } from "../../warehouse";
import { LocalDays } from "../kpi/kpi-period";
import { addBuckets, bucketSql, periodBounds, SqlBuilder } from "./explore-sql";
import { retentionRows, type RetentionRow } from "./retention.sequences";

/**
 * Cohorts by the local day / week / month of each customer's first ever cohort event (or first
 * order) that falls in the period; for each, how many did the return event (strictly after that
 * first event, before the period's end) in period k = 0 … N after the cohort's own.
 *
 * bounded: returned in exactly period k. unbounded: returned in period k or any later one
 * (so the curve never rises). Periods that start after the period's end are null.
 *
 * Events given by name alone are counted over the in-memory event sequences (retention.sequences.ts);
 * filters read the events' properties and the profiles' traits, which only the warehouse holds: those
 * run as one SQL statement.
 */
export async function analyseRetention(warehouse: Warehouse, workspaceId: string, timeZone: string, query: RetentionQuery): Promise<RetentionResultDto> {
  if (!retentionFollowsSequences(query)) return analyseRetentionInWarehouse(warehouse, workspaceId, timeZone, query);
  const { from, to } = periodBounds(query.period, timeZone);
  const sequences = await eventSequences(warehouse, workspaceId);
  const days = new LocalDays(query.period.from, query.period.to, timeZone);
  return retentionResult(query, retentionRows(sequences, query, { from: from.getTime() * 1000, to: to.getTime() * 1000 }, days));
}

/** Whether the retention table runs over the in-memory event sequences: no filter on either event. */
export function retentionFollowsSequences(query: RetentionQuery): boolean {
  return !query.returnEvent.where?.length && (query.cohort.kind === "first_order" || !query.cohort.where?.length);
}

/** The retention table as one SQL statement over the warehouse (any filters). */
export async function analyseRetentionInWarehouse(warehouse: Warehouse, workspaceId: string, timeZone: string, query: RetentionQuery): Promise<RetentionResultDto> {
  const q = new SqlBuilder();
  const { from, to } = periodBounds(query.period, timeZone);
  const cohortStep = query.cohort.kind === "first_order" ? { event: ORDER_COMPLETED, where: undefined } : query.cohort;
  const ws = q.bind(workspaceId);
  const toRef = q.time(to);
  const cohortWhere = q.filters(cohortStep.where);
  const firsts = `firsts as (
    select e.profile_id as actor, min(e.ts) as first_ts from ${q.eventsFrom()}
    where e.workspace_id = ${ws}::uuid and e.profile_id is not null and e.event = ${q.text(cohortStep.event)} and e.ts < ${toRef} and ${cohortWhere}
    group by e.profile_id
  )`;
  const cohortBucket = bucketSql(q, "first_ts", query.interval, timeZone);
  const cohort = `cohort as (select actor, first_ts, ${cohortBucket} as c from firsts where first_ts >= ${q.time(from)})`;
  const returnBucket = bucketSql(q, "e.ts", query.interval, timeZone);
  const returnWhere = q.filters(query.returnEvent.where);
  const returns = `returns as (
    select c.actor, datediff(${q.text(query.interval)}, c.c, ${returnBucket}) as k
    from ${q.eventsFrom()} join cohort c on c.actor = e.profile_id
    where e.workspace_id = ${ws}::uuid and e.event = ${q.text(query.returnEvent.event)} and e.ts > c.first_ts and e.ts < ${toRef}
      and ${returnWhere}
  )`;
  const per = `per_actor as (select actor, max(k) as maxk, list(distinct k) as ks from returns group by actor)`;
  const columns = Array.from({ length: query.periods + 1 }, (_, j) => {
    const k = `${q.bind(j)}::bigint`;
    return query.mode === "bounded" ? `count(*) filter (where list_contains(o.ks, ${k})) as r${j}` : `count(*) filter (where o.maxk >= ${k}) as r${j}`;
  });
  const rows = await warehouse.query<Record<string, bigint> & { cohort: string; size: bigint }>(
    `with ${firsts}, ${cohort}, ${returns}, ${per}
     select strftime(c.c, '%Y-%m-%d') as cohort, count(*) as size, ${columns.join(", ")}
     from cohort c left join per_actor o on o.actor = c.actor group by c.c order by c.c`,
    q.params,
  );

  const returned = (row: (typeof rows)[number]) => Array.from({ length: query.periods + 1 }, (_, j) => Number(row[`r${j}`]));
  return retentionResult(
    query,
    rows.map((row) => ({ cohort: row.cohort, size: Number(row.size), returned: returned(row) })),
  );
}

/** The table from its rows: periods that start after the period's end are null; the weighted mean per period. */
function retentionResult(query: RetentionQuery, rows: RetentionRow[]): RetentionResultDto {
  const cohorts = rows.map(({ cohort, size, returned }) => {
    const counts = returned.map((n, j) => (addBuckets(cohort, j, query.interval) > query.period.to ? null : n));
    return { cohort, size, counts, rates: counts.map((c) => (c === null || size === 0 ? null : c / size)) };
  });
  const average = Array.from({ length: query.periods + 1 }, (_, j) => {
    const having = cohorts.filter((c) => c.counts[j] !== null);
    const size = having.reduce((s, c) => s + c.size, 0);
    return size === 0 ? null : having.reduce((s, c) => s + c.counts[j]!, 0) / size;
  });
  return { interval: query.interval, mode: query.mode, cohorts, average };
}
