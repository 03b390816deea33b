import type { AttributionDimension } from "@siyu/contracts";
import type { Warehouse } from "@siyu/storage";
import { eventSequences } from "../../warehouse";
import type { Credits, JourneyGroup } from "./attribution-models";
import { followsSequences, journeysOverSequences, SEPARATOR } from "./attribution.sequences";

export interface JourneyQuery {
  workspaceId: string;
  /** Conversions at or after `from` and before `to` count; touches back to `from − lookbackDays`. */
  from: Date;
  to: Date;
  conversionEvent: string;
  dimension: AttributionDimension;
  touchpointEvents: readonly string[];
  lookbackDays: number;
  halfLifeDays: number;
  storeId: string | null;
}

export interface JourneyData {
  journeys: JourneyGroup[];
  /** Time-decay credits, weighed per touch in SQL (the grouped journeys no longer know when each touch was). */
  timeDecay: Credits;
  /** Touches per key in converted journeys. */
  touches: Map<string, number>;
  conversions: number;
  value: number;
}

/** What a touch (`e`, an events row) is credited to, per dimension, as SQL; campaign ROI's last touch reads the same. */
export const TOUCH_DIMENSIONS: Record<AttributionDimension, string> = {
  channel: "e.channel",
  campaign: "coalesce(json_extract_string(e.context, '$.campaign.name'), json_extract_string(e.properties, '$.utm_campaign'))",
  source: "coalesce(json_extract_string(e.context, '$.campaign.source'), json_extract_string(e.properties, '$.utm_source'))",
  touchpoint: "e.event",
};


/**
 * The journeys of a period, grouped by path. By channel or touchpoint, over the in-memory event
 * sequences (attribution.sequences.ts: 4 s → under a second at 1M / 20M, bench/RESULTS.md run 44);
 * by campaign or source, whose keys are read out of each event's JSON, with the statement below.
 */
export async function readJourneys(warehouse: Warehouse, q: JourneyQuery): Promise<JourneyData> {
  if (followsSequences(q)) return journeysOverSequences(await eventSequences(warehouse, q.workspaceId), q);
  return readJourneysInWarehouse(warehouse, q);
}

/**
 * The journeys of a period, grouped by path, in one DuckDB query:
 * - a touch is any event (but the conversion event) whose dimension is set, by a customer with a profile;
 * - each touch belongs to the first conversion at or after it (ASOF join) when that conversion is at
 *   most `lookbackDays` later — so a journey never spans two conversions;
 * - the customer's other touches in the period make one journey that did not convert.
 * The ASOF join carries no column that can be NULL: DuckDB 1.4 planned a small ASOF join as a nested
 * loop with arg_min per column, which skips NULLs — a conversion without a store took the store of
 * the customer's next conversion (1.5 plans it without). Hence `at_store`, decided before the join (a
 * boolean, never NULL), right on either.
 */
export async function readJourneysInWarehouse(warehouse: Warehouse, q: JourneyQuery): Promise<JourneyData> {
  const { sql, params } = journeySql(q);
  const rows = await warehouse.query<{ kind: string; path: string | null; n: number; conversions: number; value: number }>(sql, params);
  const data: JourneyData = { journeys: [], timeDecay: new Map(), touches: new Map(), conversions: 0, value: 0 };
  for (const r of rows) {
    if (r.kind === "total") {
      data.conversions = r.conversions;
      data.value = r.value;
    } else if (r.kind === "decay") {
      data.timeDecay.set(r.path!, { conversions: r.conversions, value: r.value });
      data.touches.set(r.path!, r.n);
    } else {
      data.journeys.push({ path: r.path!.split(SEPARATOR), count: r.n, conversions: r.conversions, value: r.value });
    }
  }
  return data;
}

/** The one query behind readJourneys, with its parameters (the benchmark times it raw). */
export function journeySql(q: JourneyQuery): { sql: string; params: (string | number | null)[] } {
  const dimension = TOUCH_DIMENSIONS[q.dimension];
  const params = [q.workspaceId, q.from.toISOString(), q.to.toISOString(), q.conversionEvent, q.lookbackDays, q.halfLifeDays, q.storeId];
  const touchpoints = q.dimension === "touchpoint";
  if (touchpoints) params.push(JSON.stringify(q.touchpointEvents));
  const touchpointFilter = touchpoints ? `and list_contains(json_transform($8::varchar, '["VARCHAR"]'), e.event)` : "";
  const sql = `
    with conv as (
      select e.profile_id, e.ts, coalesce(e.revenue, 0) as value,
        ($7::varchar is null or e.store_id is not distinct from $7::varchar) as at_store
      from events_with_profile e
      where e.workspace_id = $1::uuid and e.type = 'track' and e.event = $4 and e.profile_id is not null
        and e.ts >= $2::timestamptz - to_days($5::integer) and e.ts < $3::timestamptz
    ),
    counted as (
      select * from conv where ts >= $2::timestamptz and at_store
    ),
    touch as (
      select e.profile_id, e.ts, replace(${dimension}, '${SEPARATOR}', '') as key
      from events_with_profile e
      where e.workspace_id = $1::uuid and e.profile_id is not null
        and e.ts >= $2::timestamptz - to_days($5::integer) and e.ts < $3::timestamptz
        and not (e.type = 'track' and e.event = $4)
        and nullif(${dimension}, '') is not null
        ${touchpointFilter}
    ),
    assigned as materialized (
      select t.profile_id, t.ts, t.key, c.ts as conv_ts, c.value, c.at_store,
        c.ts is not null and c.ts >= $2::timestamptz and epoch(c.ts) - epoch(t.ts) <= $5::integer * 86400 as converting,
        c.ts is null or epoch(c.ts) - epoch(t.ts) > $5::integer * 86400 as open
      from touch t asof left join conv c on t.profile_id = c.profile_id and t.ts <= c.ts
    ),
    converted_touches as (
      select * from assigned where converting and at_store
    ),
    journeys as (
      select string_agg(key, '${SEPARATOR}' order by ts) as path, true as converted, any_value(value) as value
      from converted_touches group by profile_id, conv_ts
      union all
      select string_agg(key, '${SEPARATOR}' order by ts), false, 0
      from assigned where open and ts >= $2::timestamptz group by profile_id
    ),
    decay as (
      select key, value, pow(0.5, (epoch(conv_ts) - epoch(ts)) / 86400.0 / $6::double) as w,
        sum(pow(0.5, (epoch(conv_ts) - epoch(ts)) / 86400.0 / $6::double)) over (partition by profile_id, conv_ts) as w_sum
      from converted_touches
    )
    select 'path' as kind, path, count(*)::double as n, count(*) filter (where converted)::double as conversions, sum(value)::double as value
    from journeys group by path
    union all
    select 'decay', key, count(*)::double, sum(w / w_sum), sum(value * w / w_sum) from decay group by key
    union all
    select 'total', null, count(*)::double, count(*)::double, coalesce(sum(value), 0)::double from counted`;
  return { sql, params };
}
