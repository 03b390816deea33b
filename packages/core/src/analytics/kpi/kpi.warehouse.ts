import type { AnalyticsSettingsDto } from "@siyu/contracts";
import type { Warehouse } from "@siyu/storage";
import { localDateSql } from "../../warehouse";
import { ORDER_COMPLETED } from "../../profiles";
import { TOUCH_DIMENSIONS } from "../attribution/attribution.warehouse";
import { daysOf, type KpiPeriod, type KpiWindows } from "./kpi-period";

// The dashboard's warehouse side: set-based DuckDB over the order events and the profile snapshot,
// scoped to one workspace (activity and the order figures come from the event sequences: kpi.activity.ts,
// kpi.orders.ts). Values spliced into the SQL are validated dates, ISO instants, IANA
// zones, integers and settings strings (quoted by `lit`); the store filter goes as parameters.
// Every query takes [$1 workspace, $2 store id, $3 store code].

type WarehouseTransaction = Parameters<Parameters<Warehouse["transaction"]>[0]>[0];

export interface KpiScope {
  workspaceId: string;
  timeZone: string;
  /** Minor units per major unit of the workspace currency (the warehouse keeps amounts as sent, in major units). */
  minorPer: number;
  /** Orders and events whose store_id is the store's id or its code; null = every store. */
  store: { id: string; code: string } | null;
}


const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;
const ts = (d: Date) => `${lit(d.toISOString())}::timestamptz`;
const storeMatch = (column: string) => `($2::varchar is null or ${column} = $2::varchar or ${column} = $3::varchar)`;
const localDate = (scope: KpiScope, column: string) => localDateSql(scope.timeZone, column);

/**
 * The order rows the metrics read: the first Order Completed of each order_id before `end`, net of every refund of it.
 * From `order_events` (the loader's copy of the order events), not from every event; grouped by order first, then
 * joined to the profile of the first completion's identifier.
 */
function ordersTableSql(scope: KpiScope, end: Date, withAttribution: boolean): string {
  const attribution = withAttribution
    ? ", arg_min(campaign, seq) as campaign, arg_min(source, seq) as source, arg_min(products, seq) as products"
    : "";
  // An order is the store's when its first completion is there, so only orders with a completion there are grouped:
  // at 1M / 20M the one-store table takes 0.2 s instead of 0.4 s (bench/RESULTS.md, run 32).
  const ofStore = scope.store
    ? `and order_id in (select order_id from order_events where workspace_id = $1::uuid and event = 'Order Completed' and ${storeMatch("store_id")})`
    : "";
  return `
create or replace temp table _kpi_orders as
with completed as (
  select order_id, arg_min(identifier_id, seq) as identifier_id, min(ts) as ts, arg_min(store_id, seq) as store_id,
         arg_min(coalesce(revenue, 0), seq) as amount ${attribution}
  from order_events
  where workspace_id = $1::uuid and event = 'Order Completed' and ts < ${ts(end)} ${ofStore}
  group by order_id
  having ${storeMatch("arg_min(store_id, seq)")}
),
refunds as (
  select order_id, bool_or(revenue is null) as whole, coalesce(sum(revenue), 0) as amount
  from order_events
  where workspace_id = $1::uuid and event = 'Order Refunded'
  group by order_id
)
select c.order_id, pi.profile_id, c.ts, ${localDate(scope, "c.ts")} as day,
       coalesce(r.whole or r.amount >= c.amount, false) as cancelled,
       case when coalesce(r.whole or r.amount >= c.amount, false) then 0
            else cast(round(greatest(0, c.amount - coalesce(r.amount, 0)) * ${scope.minorPer}) as bigint) end as net_minor
       ${withAttribution ? ", c.campaign, c.source, c.products" : ""}
from completed c
left join profile_identifiers pi on pi.workspace_id = $1::uuid and pi.identifier_id = c.identifier_id
left join refunds r on r.order_id = c.order_id`;
}

/**
 * Each profile's acquisition channel, campaign and home store: profile traits first, else its first event carrying them,
 * from `first_touches` (each identifier's first store, campaign source and name, kept by the loader) of its identifiers:
 * 0.04 s instead of 0.31 s reading their events for the new members of 60 days at 1M / 20M (bench/RESULTS.md, run 32).
 * `needs` leaves out what the caller does not read (a column left out is NULL): the traits' JSON and the first touches
 * are most of the statement's time, and the dashboard's counts need neither without a store.
 */
function acquisitionSql(scope: KpiScope, profilesWhere: string, windowDays: number, needs: AcquisitionNeeds = ALL_OF_ACQUISITION): string {
  // The campaign source and name count when the first event carrying them is within the window after first seen.
  const inWindow = `(i.first_seen_at is null or t.ts <= i.first_seen_at + to_days(${Math.trunc(windowDays)}))`;
  const touches = [
    needs.store ? `arg_min(t.value, (t.ts, t.seq)) filter (where t.kind = 'store') as store_id` : null,
    needs.channel ? `arg_min(t.value, (t.ts, t.seq)) filter (where t.kind = 'source' and ${inWindow}) as source` : null,
    needs.campaign ? `arg_min(t.value, (t.ts, t.seq)) filter (where t.kind = 'campaign' and ${inWindow}) as campaign` : null,
  ].filter((c) => c !== null);
  const np = `np as (select id, first_seen_at, traits from profiles where workspace_id = $1::uuid and merged_into is null and ${profilesWhere})`;
  const channel = needs.channel ? `coalesce(nullif(np.traits->>'$.source_channel', ''), nullif(np.traits->>'$.utm_source', ''), ft.source)` : "null::varchar";
  const campaign = needs.campaign ? `coalesce(nullif(np.traits->>'$.utm_campaign', ''), nullif(np.traits->>'$.campaign', ''), ft.campaign)` : "null::varchar";
  if (touches.length === 0) return `${np},
acq as (select np.id as profile_id, np.first_seen_at, null::varchar as store_id, ${channel} as channel, ${campaign} as campaign from np)`;
  return `
${np},
np_identifiers as (
  select pi.identifier_id, pi.profile_id, np.first_seen_at from profile_identifiers pi join np on np.id = pi.profile_id where pi.workspace_id = $1::uuid
),
ft as (
  select i.profile_id, ${touches.join(", ")}
  from first_touches t join np_identifiers i on i.identifier_id = t.identifier_id
  where t.workspace_id = $1::uuid
  group by i.profile_id
),
acq as (
  select np.id as profile_id, np.first_seen_at, ${needs.store ? "ft.store_id" : "null::varchar"} as store_id, ${channel} as channel, ${campaign} as campaign
  from np left join ft on ft.profile_id = np.id
)`;
}

/** What of a profile's acquisition a statement reads. */
export interface AcquisitionNeeds {
  store: boolean;
  channel: boolean;
  campaign: boolean;
}
const ALL_OF_ACQUISITION: AcquisitionNeeds = { store: true, channel: true, campaign: true };

export interface DailyOrders {
  orders: number;
  gmvMinor: number;
  buyers: number;
}

export interface PeriodPair<T> {
  current: T;
  previous: T;
}

export interface OrderFigures {
  daily: Map<string, DailyOrders>;
  buyers: PeriodPair<number>;
  repeatBuyers: PeriodPair<number>;
  cycle: PeriodPair<number | null>;
  cycleDaily: Map<string, number>;
  customers: PeriodPair<number>;
  churned: PeriodPair<number>;
  spendMinor: PeriodPair<number>;
}

export interface ActivityFigures {
  daily: Map<string, number>;
  active: PeriodPair<number>;
  retained: PeriodPair<number>;
  /** Active in the period before (denominator of retention). */
  activeBefore: PeriodPair<number>;
  wau: PeriodPair<number>;
  mau: PeriodPair<number>;
  rolling: Map<string, { wau: number; mau: number }>;
}

export interface SurveyFigures {
  invites: PeriodPair<number>;
  conversions: PeriodPair<number>;
  responses: PeriodPair<number>;
  npsPoints: PeriodPair<number>;
  npsDaily: Map<string, { responses: number; points: number }>;
}

export interface NewMembers {
  /** New members per local day of first seen, of both periods. */
  daily: { day: string; current: boolean; count: number }[];
  /** The current period's new members by channel and campaign — for those asked for (null when not). */
  acquired: { channel: string | null; campaign: string | null; count: number }[];
}

const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const params = (scope: KpiScope) => [scope.workspaceId, scope.store?.id ?? null, scope.store?.code ?? null];

async function withTemp<T>(warehouse: Warehouse, work: (tx: WarehouseTransaction) => Promise<T>): Promise<T> {
  // Temp tables live on the one DuckDB connection the transaction holds; nobody else sees them.
  // A failed transaction rolls back, which discards them too.
  return warehouse.transaction(async (tx) => {
    const result = await work(tx);
    await tx.run("drop table if exists _kpi_orders");
    return result;
  });
}

/**
 * The average expected 365-day value of the customers in scope, minor units (null without CLV
 * predictions): every customer's, or one store's buyers' (whose orders not cancelled before `end`).
 */
export async function readClvAverage(warehouse: Warehouse, scope: KpiScope, end: Date): Promise<number | null> {
  const clvSql = (buyers: string) =>
    `select count(*) as n, avg(c.expected_value_365d) as avg
     from profile_clv c join profiles p on p.workspace_id = c.workspace_id and p.id = c.profile_id and p.merged_into is null
     where c.workspace_id = $1::uuid and c.expected_value_365d is not null ${buyers}`;
  const average = (rows: { n: bigint; avg: number | null }[]) => {
    const [clv] = rows;
    return clv && n(clv.n) > 0 && clv.avg !== null ? clv.avg * scope.minorPer : null;
  };
  const all = await warehouse.query<{ n: bigint; avg: number | null }>(clvSql(""), [scope.workspaceId]);
  if (scope.store === null || average(all) === null) return average(all);
  // One store's buyers: its order table, built only when there are predictions to average.
  return withTemp(warehouse, async (tx) => {
    await tx.run(ordersTableSql(scope, end, false), params(scope));
    return average(await tx.query(clvSql("and c.profile_id in (select profile_id from _kpi_orders where not cancelled)"), [scope.workspaceId]));
  });
}

export async function readSurveyFigures(warehouse: Warehouse, scope: KpiScope, w: KpiWindows, settings: AnalyticsSettingsDto): Promise<SurveyFigures> {
  const { current: cur, previous: prev } = w;
  const { inviteEvent, conversionEvent } = settings.referral;
  const npsEvent = settings.nps.event;
  const rows = await warehouse.query<{ day: string; event: string; n: bigint; responses: bigint; points: bigint }>(
    `with e as (
       select ${localDate(scope, "ts")} as day, event,
              case when event = ${lit(npsEvent)} then try_cast(json_extract_string(properties, ${lit(`$.${settings.nps.scoreProperty}`)}) as double) end as raw
       from events
       where workspace_id = $1::uuid and ts >= ${ts(prev.start)} and ts < ${ts(cur.end)}
         and event in (${lit(inviteEvent)}, ${lit(conversionEvent)}, ${lit(npsEvent)}) and ${storeMatch("store_id")}),
     s as (select day, event, case when raw between 0 and 10 then raw end as score from e)
     select strftime(day, '%Y-%m-%d') as day, event, count(*) as n, count(score) as responses,
            count(*) filter (where score >= 9) - count(*) filter (where score <= 6) as points
     from s group by all`,
    params(scope),
  );
  const sum = (event: string, pick: (r: (typeof rows)[number]) => number) => {
    const of = (inPeriod: (d: string) => boolean) => rows.filter((r) => r.event === event && inPeriod(r.day)).reduce((t, r) => t + pick(r), 0);
    return { current: of((d) => d >= cur.from), previous: of((d) => d < cur.from) };
  };
  const npsDaily = new Map<string, { responses: number; points: number }>();
  for (const r of rows) if (r.event === npsEvent && r.day >= cur.from) npsDaily.set(r.day, { responses: n(r.responses), points: n(r.points) });
  return {
    invites: sum(inviteEvent, (r) => n(r.n)),
    conversions: sum(conversionEvent, (r) => n(r.n)),
    responses: sum(npsEvent, (r) => n(r.responses)),
    npsPoints: sum(npsEvent, (r) => n(r.points)),
    npsDaily,
  };
}

/** New members of both periods by local day, acquisition channel and campaign. */
export async function readNewMembers(
  warehouse: Warehouse,
  scope: KpiScope,
  w: KpiWindows,
  acquisitionWindowDays: number,
  breakdown: { channel: boolean; campaign: boolean },
): Promise<NewMembers> {
  const { current: cur, previous: prev } = w;
  const store = scope.store !== null;
  // Both queued at once, the breakdown (which reads the first touches, the longer) first: the
  // dashboard computes while the head of the queue runs.
  const acquired =
    breakdown.channel || breakdown.campaign
      ? warehouse.query<{ channel: string | null; campaign: string | null; n: bigint }>(
          `with ${acquisitionSql(scope, `first_seen_at >= ${ts(cur.start)} and first_seen_at < ${ts(cur.end)}`, acquisitionWindowDays, { store, ...breakdown })}
           select channel, campaign, count(*) as n from acq where ${storeMatch("store_id")} group by all`,
          params(scope),
        )
      : Promise.resolve([]);
  const daily = warehouse.query<{ day: string; cur: boolean; n: bigint }>(
    `with ${acquisitionSql(scope, `first_seen_at >= ${ts(prev.start)} and first_seen_at < ${ts(cur.end)}`, acquisitionWindowDays, { store, channel: false, campaign: false })}
     select strftime(${localDate(scope, "first_seen_at")}, '%Y-%m-%d') as day, first_seen_at >= ${ts(cur.start)} as cur, count(*) as n
     from acq where ${storeMatch("store_id")} group by all`,
    params(scope),
  );
  const [dailyRows, acquiredRows] = await Promise.all([daily, acquired]);
  return {
    daily: dailyRows.map((r) => ({ day: r.day, current: r.cur, count: n(r.n) })),
    acquired: acquiredRows.map((r) => ({ channel: r.channel, campaign: r.campaign, count: n(r.n) })),
  };
}

export interface AttributedRevenue {
  kind: "channel" | "campaign";
  key: string;
  orders: number;
  revenueMinor: number;
  /** Σ net × the order's margin rate, minor units (not rounded). */
  marginMinor: number;
}

/** How ROI credits an order (contracts' RoiCredit): its own UTM else its buyer's acquisition, or the last touch before it. */
export type RevenueCredit = { rule: "order"; acquisitionWindowDays: number } | { rule: "lastTouch"; lookbackDays: number };


/**
 * Each channel's and campaign's credited orders, net revenue and margin over the period's orders (net of refunds,
 * fully refunded ones left out). `order`: the order's own utm_campaign / campaign property (else
 * context.campaign.name) and utm_source (else context.campaign.source); without them, its buyer's acquisition
 * campaign and channel.
 * `lastTouch`: per dimension, the buyer's latest touch at or before the order and at most `lookbackDays` before it,
 * unless an earlier order of theirs came at or after that touch — the attribution report's journeys (a touch belongs
 * to the first conversion at or after it), so no touch is credited twice. A touch is an event with the dimension set
 * that is not an `Order Completed`. Margin: the order's lines (products[].price × quantity) weighted by their
 * category's rate, else the default rate.
 */
export async function readAttributedRevenue(
  warehouse: Warehouse,
  scope: KpiScope,
  period: KpiPeriod,
  margin: AnalyticsSettingsDto["margin"],
  credit: RevenueCredit,
): Promise<AttributedRevenue[]> {
  const rates = Object.entries(margin.categoryRates);
  const rateTable = rates.length
    ? `(values ${rates.map(([c, r]) => `(${lit(c)}, ${Number(r)}::double)`).join(", ")}) as r(category, rate)`
    : "(select null::varchar as category, null::double as rate where false) as r";
  const defaultRate = `${Number(margin.defaultRate)}::double`;
  const rateCtes = `
       line as (
         select order_id, l->>'$.category' as category,
                try_cast(l->>'$.price' as double) * coalesce(try_cast(l->>'$.quantity' as double), 1) as amount
         from (select order_id, unnest(from_json(products, '["json"]')) as l from o where json_type(products) = 'ARRAY')
       ),
       rate as (
         select line.order_id, sum(line.amount * coalesce(r.rate, ${defaultRate})) / sum(line.amount) as rate
         from line left join ${rateTable} on r.category = line.category
         where line.amount > 0 group by line.order_id
       )`;
  const credited = credit.rule === "order" ? orderCreditSql(scope, period, credit.acquisitionWindowDays) : lastTouchCreditSql(period, credit.lookbackDays);
  return withTemp(warehouse, async (tx) => {
    await tx.run(ordersTableSql(scope, period.end, true), params(scope));
    const rows = await tx.query<{ kind: "channel" | "campaign"; key: string; orders: bigint; revenue: bigint | number; margin: number }>(
      `with ${credited.ctes}, ${rateCtes},
       credited as (
         select o.net_minor, o.net_minor * coalesce(rate.rate, ${defaultRate}) as margin, ${credited.columns}
         from o ${credited.joins} left join rate on rate.order_id = o.order_id
       )
       select 'campaign' as kind, campaign as key, count(*) as orders, sum(net_minor) as revenue, sum(margin) as margin from credited where campaign is not null group by campaign
       union all
       select 'channel', channel, count(*), sum(net_minor), sum(margin) from credited where channel is not null group by channel`,
      [scope.workspaceId],
    );
    return rows.map((r) => ({ kind: r.kind, key: r.key, orders: n(r.orders), revenueMinor: n(r.revenue), marginMinor: n(r.margin) }));
  });
}

function orderCreditSql(scope: KpiScope, period: KpiPeriod, acquisitionWindowDays: number) {
  return {
    ctes: `o as (select * from _kpi_orders where ts >= ${ts(period.start)} and not cancelled),
       ${acquisitionSql(scope, "id in (select profile_id from o)", acquisitionWindowDays)}`,
    joins: "left join acq on acq.profile_id = o.profile_id",
    columns: "coalesce(o.campaign, acq.campaign) as campaign, coalesce(o.source, acq.channel) as channel",
  };
}

function lastTouchCreditSql(period: KpiPeriod, lookbackDays: number) {
  const lookbackUs = `${Math.round(lookbackDays)}::bigint * 86400000000`;
  const from = new Date(period.start.getTime() - lookbackDays * 86_400_000);
  // The latest touch at or before each order (ASOF), kept when within the lookback and after the buyer's order before.
  const last = (dimension: "channel" | "campaign") => `
       last_${dimension} as (
         select o.order_id, t.key, t.ts
         from o asof left join (select profile_id, ts, ${dimension} as key from touches where ${dimension} is not null) t
           on o.profile_id = t.profile_id and o.ts >= t.ts
       )`;
  const kept = (dimension: "channel" | "campaign") =>
    `case when epoch_us(o.ts) - epoch_us(l_${dimension}.ts) <= ${lookbackUs} and (o.prev_ts is null or l_${dimension}.ts > o.prev_ts) then l_${dimension}.key end as ${dimension}`;
  return {
    ctes: `buyers as (select *, lag(ts) over (partition by profile_id order by ts, order_id) as prev_ts from _kpi_orders where profile_id is not null),
       o as (select * from buyers where ts >= ${ts(period.start)} and not cancelled),
       touches as (
         select e.profile_id, e.ts, nullif(${TOUCH_DIMENSIONS.channel}, '') as channel, nullif(${TOUCH_DIMENSIONS.campaign}, '') as campaign
         from events_with_profile e
         where e.workspace_id = $1::uuid and e.profile_id is not null and e.ts >= ${ts(from)} and e.ts < ${ts(period.end)}
           and not (e.type = 'track' and e.event = '${ORDER_COMPLETED}')
           and (nullif(${TOUCH_DIMENSIONS.channel}, '') is not null or nullif(${TOUCH_DIMENSIONS.campaign}, '') is not null)
       ),
       ${last("channel")},
       ${last("campaign")}`,
    joins: "left join last_channel l_channel on l_channel.order_id = o.order_id left join last_campaign l_campaign on l_campaign.order_id = o.order_id",
    columns: `${kept("campaign")}, ${kept("channel")}`,
  };
}

/** Days of the period with a value from `map`, 0 when missing. */
export function dailySeries<T>(period: KpiPeriod, map: Map<string, T>, pick: (v: T | undefined) => number | null) {
  return daysOf(period.from, period.to).map((d) => ({ day: d, value: pick(map.get(d)) }));
}
