import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { isUuid } from "../shared/ids";
import { rows } from "../shared/sql-rows";

async function run(db: Db, query: ReturnType<typeof sql>) {
  await db.execute(query);
}

export function uuidArray(ids: Iterable<string>): string {
  return `{${[...ids].join(",")}}`;
}

export async function addActivity(db: Db, workspaceId: string, items: { identifier_id: string; n: number; first: string; last: string }[]) {
  if (items.length === 0) return;
  await run(
    db,
    sql`insert into profile_activity (identifier_id, workspace_id, event_count, first_seen_at, last_seen_at)
        select x.identifier_id, ${workspaceId}::uuid, x.n, x.first, x.last
        from jsonb_to_recordset(${JSON.stringify(items)}::jsonb) as x(identifier_id uuid, n int, first timestamptz, last timestamptz)
        on conflict (identifier_id) do update set
          event_count = profile_activity.event_count + excluded.event_count,
          first_seen_at = least(profile_activity.first_seen_at, excluded.first_seen_at),
          last_seen_at = greatest(profile_activity.last_seen_at, excluded.last_seen_at)`,
  );
}

export async function addEventCounts(db: Db, workspaceId: string, items: { identifier_id: string; event: string; n: number; last: string }[]) {
  if (items.length === 0) return;
  await run(
    db,
    sql`insert into profile_event_counts (identifier_id, workspace_id, event, count, last_at)
        select x.identifier_id, ${workspaceId}::uuid, x.event, x.n, x.last
        from jsonb_to_recordset(${JSON.stringify(items)}::jsonb) as x(identifier_id uuid, event text, n int, last timestamptz)
        on conflict (identifier_id, event) do update set
          count = profile_event_counts.count + excluded.count,
          last_at = greatest(profile_event_counts.last_at, excluded.last_at)`,
  );
}

/** Keeps, per identifier and trait, the value of the newest event (time, then message id). */
export async function upsertTraits(
  db: Db,
  workspaceId: string,
  items: { identifier_id: string; key: string; value: unknown; ts: string; message_id: string }[],
) {
  if (items.length === 0) return;
  await run(
    db,
    sql`insert into profile_traits (identifier_id, workspace_id, key, value, ts, message_id)
        select x.identifier_id, ${workspaceId}::uuid, x.key, x.value, x.ts, x.message_id
        from jsonb_to_recordset(${JSON.stringify(items)}::jsonb) as x(identifier_id uuid, key text, value jsonb, ts timestamptz, message_id text)
        on conflict (identifier_id, key) do update set value = excluded.value, ts = excluded.ts, message_id = excluded.message_id
        where (excluded.ts, excluded.message_id) > (profile_traits.ts, profile_traits.message_id)`,
  );
}

export async function insertAnchors(db: Db, workspaceId: string, items: { seq: number; identifier_id: string }[]) {
  if (items.length === 0) return;
  await run(
    db,
    sql`insert into profile_event_anchors (seq, workspace_id, identifier_id)
        select x.seq, ${workspaceId}::uuid, x.identifier_id
        from jsonb_to_recordset(${JSON.stringify(items)}::jsonb) as x(seq bigint, identifier_id uuid)
        on conflict (seq) do nothing`,
  );
}

export interface OrderRow {
  order_id: string;
  identifier_id: string;
  total_minor: number;
  currency: string;
  store_id: string | null;
  coupon: string | null;
  products: unknown[];
  ordered_at: string;
  message_id: string;
}

/** An order counts once per order id, whichever path (event, API, import) brought it first. */
export async function insertOrders(db: Db, workspaceId: string, items: OrderRow[]) {
  if (items.length === 0) return;
  await run(
    db,
    sql`insert into orders (workspace_id, order_id, identifier_id, status, total_minor, currency, store_id, coupon, products, ordered_at, message_id)
        select ${workspaceId}::uuid, x.order_id, x.identifier_id, 'completed', x.total_minor, x.currency, x.store_id, x.coupon, x.products, x.ordered_at, x.message_id
        from jsonb_to_recordset(${JSON.stringify(items)}::jsonb)
          as x(order_id text, identifier_id uuid, total_minor bigint, currency text, store_id text, coupon text, products jsonb, ordered_at timestamptz, message_id text)
        on conflict (workspace_id, order_id) do nothing`,
  );
}

/** A refund without an amount refunds what is left; refunds never exceed the order. */
export async function refundOrders(db: Db, workspaceId: string, items: { order_id: string; amount_minor: number | null; at: string }[]) {
  if (items.length === 0) return;
  await run(
    db,
    sql`update orders o set
          refunded_minor = least(o.total_minor, o.refunded_minor + coalesce(x.amount_minor, o.total_minor)),
          status = case when least(o.total_minor, o.refunded_minor + coalesce(x.amount_minor, o.total_minor)) >= o.total_minor
                   then 'refunded' else 'partially_refunded' end,
          refunded_at = x.at
        from (select order_id, case when bool_or(amount_minor is null) then null else sum(amount_minor) end as amount_minor, max(at) as at
              from jsonb_to_recordset(${JSON.stringify(items)}::jsonb) as r(order_id text, amount_minor bigint, at timestamptz)
              group by order_id) x
        where o.workspace_id = ${workspaceId} and o.order_id = x.order_id and o.status <> 'refunded'`,
  );
}

/** Creates rows for new people, revives split-off ones, and points absorbed ones at their survivor. */
export async function syncProfileRows(db: Db, workspaceId: string, live: string[], absorbed: [string, string][], now: Date) {
  if (live.length > 0) {
    await run(
      db,
      sql`insert into profiles (id, workspace_id, created_at, updated_at)
          select unnest(${uuidArray(live)}::uuid[]), ${workspaceId}::uuid, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
          on conflict (id) do update set merged_into = null where profiles.merged_into is not null`,
    );
  }
  if (absorbed.length > 0) {
    const pairs = absorbed.map(([from, into]) => ({ from, into }));
    await run(
      db,
      sql`update profiles p set merged_into = x.into, updated_at = ${now.toISOString()}::timestamptz
          from jsonb_to_recordset(${JSON.stringify(pairs)}::jsonb) as x("from" uuid, "into" uuid)
          where p.workspace_id = ${workspaceId} and p.id = x."from"`,
    );
  }
}

/**
 * Recomputes the profiles' numbers and traits from their identifiers' facts, in
 * one statement. It reads identity's identifier → profile map (a join, never a write).
 */
export async function refreshProfiles(db: Db, workspaceId: string, profileIds: string[], now: Date) {
  if (profileIds.length === 0) return;
  await run(
    db,
    sql`with ids as (select unnest(${uuidArray(profileIds)}::uuid[]) as id),
      members as (
        select i.profile_id, i.id as identifier_id from identity_identifiers i
        where i.workspace_id = ${workspaceId} and i.profile_id in (select id from ids)
      ),
      activity as (
        select m.profile_id, sum(a.event_count)::int as n, min(a.first_seen_at) as first, max(a.last_seen_at) as last
        from members m join profile_activity a on a.identifier_id = m.identifier_id group by m.profile_id
      ),
      spend as (
        select m.profile_id,
          count(*) filter (where o.status <> 'refunded')::int as n,
          sum(o.total_minor - o.refunded_minor)::bigint as total,
          max(o.ordered_at) filter (where o.status <> 'refunded') as last
        from members m join orders o on o.workspace_id = ${workspaceId} and o.identifier_id = m.identifier_id group by m.profile_id
      ),
      latest as (
        select distinct on (m.profile_id, t.key) m.profile_id, t.key, t.value
        from members m join profile_traits t on t.identifier_id = m.identifier_id
        order by m.profile_id, t.key, t.ts desc, t.message_id desc
      ),
      traits as (select profile_id, jsonb_object_agg(key, value) as traits from latest group by profile_id),
      phones as (
        select distinct on (m.profile_id) m.profile_id, i.value from members m join identity_identifiers i on i.id = m.identifier_id
        where i.type = 'phone' order by m.profile_id, i.value
      )
      update profiles p set
        event_count = coalesce(a.n, 0), first_seen_at = a.first, last_seen_at = a.last,
        order_count = coalesce(s.n, 0), total_spend_minor = coalesce(s.total, 0), last_order_at = s.last,
        traits = coalesce(t.traits, '{}'::jsonb),
        name = coalesce(t.traits->>'name', nullif(trim(concat_ws(' ', t.traits->>'lastName', t.traits->>'firstName')), '')),
        phone = ph.value,
        updated_at = ${now.toISOString()}::timestamptz
      from ids
        left join activity a on a.profile_id = ids.id
        left join spend s on s.profile_id = ids.id
        left join traits t on t.profile_id = ids.id
        left join phones ph on ph.profile_id = ids.id
      where p.id = ids.id and p.workspace_id = ${workspaceId}`,
  );
}

/**
 * A subquery of (id, live_id): every profile of the workspace, merged or not, with the live
 * profile it belongs to now (itself when live). Join on it to make per-profile rows follow merges.
 */
export function liveProfileRoots(workspaceId: string) {
  return sql`(with recursive roots(id, live_id) as (
      select id, id from profiles where workspace_id = ${workspaceId}::uuid and merged_into is null
      union all
      select p.id, r.live_id from profiles p join roots r on p.merged_into = r.id where p.workspace_id = ${workspaceId}::uuid
    ) select id, live_id from roots)`;
}

/**
 * The live profile of each of these ids, following merges (at most 10 hops, as `profiles.resolveId`),
 * in one statement. Ids that are not a profile of the workspace (or not a uuid) are absent.
 */
export async function resolveLiveProfiles(db: Db, workspaceId: string, ids: Iterable<string>): Promise<Map<string, string>> {
  const wanted = [...new Set(ids)].filter(isUuid);
  if (wanted.length === 0) return new Map();
  const found = await rows<{ start: string; id: string }>(
    db,
    sql`
      with recursive chain(start, id, merged_into, hop) as (
        -- By primary key (offset 0 keeps the workspace out of the index choice: without statistics it read the workspace's every profile).
        select id, id, merged_into, 0 from (select id, workspace_id, merged_into from profiles where id = any(${uuidArray(wanted)}::uuid[]) offset 0) p
        where workspace_id = ${workspaceId}::uuid
        union all
        select c.start, p.id, p.merged_into, c.hop + 1 from chain c join profiles p on p.workspace_id = ${workspaceId}::uuid and p.id = c.merged_into
        where c.hop < 9)
      select start, id from chain where merged_into is null`,
  );
  return new Map(found.map((r) => [r.start, r.id]));
}
