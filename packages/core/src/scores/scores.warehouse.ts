import type { ScoresSettingsDto } from "@siyu/contracts";
import { RFM_CELLS } from "@siyu/contracts";
import type { Warehouse } from "@siyu/storage";

/** One live profile's scores as the warehouse computed them. */
export interface ComputedScore {
  profileId: string;
  r: number | null;
  f: number | null;
  m: number | null;
  recencyDays: number | null;
  frequency: number | null;
  /** Net spend in the RFM window, major units. */
  monetary: number | null;
  cell: string | null;
  layer: string | null;
  lifecycleStage: string | null;
  valueTier: string;
  /** Lifetime spend (profiles.total_spend_minor), what the value pyramid ranks when not on CLV. */
  spendMinor: number;
}

export interface ComputeScoresInput {
  workspaceId: string;
  now: Date;
  /** IANA time zone: recency and lifecycle days are calendar days there. */
  timeZone: string;
  settings: ScoresSettingsDto;
}

const RUN_TABLE = "_siyu_scores_run";

/**
 * Scores every live profile of the warehouse's profile snapshot in one set-based query, and
 * replaces the workspace's rows of profile_scores with them in one DuckDB transaction.
 * Returns the rows (with the raw R / F / M figures) for the copy to PostgreSQL.
 */
export async function computeWarehouseScores(warehouse: Warehouse, input: ComputeScoresInput): Promise<ComputedScore[]> {
  const { settings } = input;
  const params = [input.workspaceId, input.now.toISOString(), input.timeZone];
  return warehouse.transaction(async (tx) => {
    await tx.run(`create or replace temp table ${RUN_TABLE} as ${scoresQuery(settings)}`, params);
    await tx.run("delete from profile_scores where workspace_id = $1::uuid", [input.workspaceId]);
    await tx.run(
      `insert into profile_scores (workspace_id, profile_id, rfm_r, rfm_f, rfm_m, rfm_cell, rfm_layer, lifecycle_stage, value_tier, computed_at)
       select $1::uuid, profile_id, r, f, m, cell, layer, lifecycle_stage, value_tier, $2::timestamptz from ${RUN_TABLE}`,
      [input.workspaceId, input.now.toISOString()],
    );
    const rows = await tx.query<RawRow>(`select * from ${RUN_TABLE} order by profile_id`);
    await tx.run(`drop table ${RUN_TABLE}`);
    return rows.map(toComputed);
  });
}

interface RawRow {
  profile_id: string;
  r: number | null;
  f: number | null;
  m: number | null;
  recency_days: number | bigint | null;
  frequency: number | bigint | null;
  monetary: number | null;
  cell: string | null;
  layer: string | null;
  lifecycle_stage: string | null;
  value_tier: string;
  spend_minor: number | bigint;
}

function toComputed(r: RawRow): ComputedScore {
  const n = (v: number | bigint | null) => (v === null ? null : Number(v));
  return {
    profileId: r.profile_id,
    r: n(r.r),
    f: n(r.f),
    m: n(r.m),
    recencyDays: n(r.recency_days),
    frequency: n(r.frequency),
    monetary: r.monetary,
    cell: r.cell,
    layer: r.layer,
    lifecycleStage: r.lifecycle_stage,
    valueTier: r.value_tier,
    spendMinor: Number(r.spend_minor),
  };
}

// Numbers and cell names below are spliced into the SQL: all come from validated settings
// (zod: finite numbers, closed enums), never from free text.
function num(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  return String(value);
}

/** The R × FM grid and the layer of each cell as a VALUES list to join on. */
function cellTable(settings: ScoresSettingsDto["rfm"]): string {
  const rows: string[] = [];
  for (let r = 1; r <= 5; r++) {
    for (let fm = 1; fm <= 5; fm++) {
      const cell = settings.cellGrid[r - 1]![fm - 1]!;
      if (!RFM_CELLS.includes(cell)) throw new RangeError(`unknown RFM cell ${cell}`);
      rows.push(`(${r}, ${fm}, '${cell}', '${settings.layerMap[cell]}')`);
    }
  }
  return `(values ${rows.join(", ")}) as g(r, fm, cell, layer)`;
}

/**
 * $1 workspace, $2 now, $3 time zone. Orders, from `order_events` (the loader's copy of the order
 * events): the first Order Completed of each order_id at or before now (the order belongs to that
 * event's profile); an Order Refunded of the same order_id subtracts its amount, and one without
 * an amount, or refunds reaching the order's amount, cancel the order (as the profile projector
 * counts them).
 */
export function scoresQuery(settings: ScoresSettingsDto): string {
  const { rfm, lifecycle, valuePyramid } = settings;
  const [r1, r2, r3, r4] = rfm.thresholds.recencyDays.map(num);
  const [f1, f2, f3, f4] = rfm.thresholds.frequencyOrders.map(num);
  const [m1, m2, m3, m4] = rfm.thresholds.monetaryAmount.map(num);
  // Mid-rank percentiles: a customer's share of buyers ranked below, plus half of those tied with
  // them, so ties share one score and a lone buyer sits in the middle (3).
  const quantile = (column: string, order: string) =>
    `1 + (10 * (rank() over (order by ${column} ${order}) - 1) + 5 * count(*) over (partition by ${column})) // (2 * count(*) over ())`;
  const rScore =
    rfm.method === "quantiles"
      ? quantile("recency_days", "desc")
      : `5 - ((recency_days > ${r1})::int + (recency_days > ${r2})::int + (recency_days > ${r3})::int + (recency_days > ${r4})::int)`;
  const fScore =
    rfm.method === "quantiles"
      ? quantile("frequency", "asc")
      : `1 + (frequency >= ${f1})::int + (frequency >= ${f2})::int + (frequency >= ${f3})::int + (frequency >= ${f4})::int`;
  const mScore =
    rfm.method === "quantiles"
      ? quantile("monetary", "asc")
      : `1 + (monetary >= ${m1})::int + (monetary >= ${m2})::int + (monetary >= ${m3})::int + (monetary >= ${m4})::int`;
  const activityAt = lifecycle.activity === "last_seen" ? "l.last_seen_at" : "coalesce(l.last_order_at, l.first_seen_at)";
  const svipShare = num(valuePyramid.svipPercent);
  const topShare = num(valuePyramid.svipPercent + valuePyramid.vipPercent);
  return `
with
today as (select timezone($3, $2::timestamptz)::date as d),
live as (
  select id as profile_id, first_seen_at, last_seen_at, last_order_at, total_spend_minor
  from profiles where workspace_id = $1::uuid and merged_into is null
),
completed as (
  select order_id, arg_min(profile_id, seq) as profile_id, min(ts) as ts, arg_min(coalesce(revenue, 0), seq) as amount
  from order_events_with_profile
  where workspace_id = $1::uuid and event = 'Order Completed' and profile_id is not null
    and ts <= $2::timestamptz
  group by order_id
),
refunds as (
  select order_id, bool_or(revenue is null) as whole, coalesce(sum(revenue), 0) as amount
  from order_events
  where workspace_id = $1::uuid and event = 'Order Refunded'
    and ts <= $2::timestamptz
  group by order_id
),
orders as (
  select c.profile_id, c.ts, greatest(0, c.amount - coalesce(r.amount, 0)) as net,
         r.order_id is not null and (r.whole or r.amount >= c.amount) as cancelled
  from completed c left join refunds r on r.order_id = c.order_id
  where c.ts > $2::timestamptz - to_seconds(${num(rfm.windowDays * 86_400)})
),
rfm_raw as (
  select o.profile_id,
         date_diff('day', timezone($3, max(o.ts))::date, (select d from today)) as recency_days,
         count(*) as frequency,
         round(sum(o.net), 2) as monetary
  from orders o join live l on l.profile_id = o.profile_id
  where not o.cancelled
  group by o.profile_id
),
rfm_scored as (
  select profile_id, recency_days, frequency, monetary,
         (${rScore})::tinyint as r, (${fScore})::tinyint as f, (${mScore})::tinyint as m
  from rfm_raw
),
rfm as (
  select s.*, g.cell, g.layer
  from rfm_scored s join ${cellTable(rfm)} on g.r = s.r and g.fm = (s.f + s.m) // 2 -- fmScoreOf in rfm-cells.ts
),
clv_present as (select count(*) > 0 as yes from profile_clv where workspace_id = $1::uuid),
valued as (
  select l.profile_id, l.total_spend_minor as spend_minor,
         ${
           valuePyramid.basis === "clv"
             ? "case when (select yes from clv_present) then coalesce(c.expected_value_365d, 0) else l.total_spend_minor end"
             : "l.total_spend_minor"
         } as value_key
  from live l left join profile_clv c on c.workspace_id = $1::uuid and c.profile_id = l.profile_id
),
ranked as (
  select profile_id, rank() over (order by value_key desc) as rk, count(*) over () as n
  from valued where spend_minor > 0
)
select l.profile_id::varchar as profile_id,
       rfm.r, rfm.f, rfm.m, rfm.recency_days, rfm.frequency, rfm.monetary, rfm.cell, rfm.layer,
       case
         when l.first_seen_at is null then null
         when date_diff('day', timezone($3, ${activityAt})::date, (select d from today)) >= ${num(lifecycle.churnedDays)} then 'churned'
         when date_diff('day', timezone($3, ${activityAt})::date, (select d from today)) >= ${num(lifecycle.dormantDays)} then 'dormant'
         when date_diff('day', timezone($3, l.first_seen_at)::date, (select d from today)) <= ${num(lifecycle.newDays)} then 'new'
         when date_diff('day', timezone($3, l.first_seen_at)::date, (select d from today)) <= ${num(lifecycle.growingDays)} then 'growing'
         else 'mature'
       end as lifecycle_stage,
       case
         when k.profile_id is null then 'none'
         when k.rk <= ceil(k.n * ${svipShare} / 100.0) then 'svip'
         when k.rk <= ceil(k.n * ${topShare} / 100.0) then 'vip'
         else 'regular'
       end as value_tier,
       l.total_spend_minor as spend_minor
from live l
left join rfm on rfm.profile_id = l.profile_id
left join ranked k on k.profile_id = l.profile_id`;
}

