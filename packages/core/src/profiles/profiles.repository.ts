import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { isUuid } from "../shared/ids";
import { rows } from "../shared/sql-rows";

async function run(db: Db, query: ReturnType<typeof sql>) {
  await db.execute(query);
}

function uuidArray(ids: Iterable<string>): string {
  return `{${[...ids].join(",")}}`;
}

// Parameters use one-letter keys: a batch sends megabytes of them, and every character is
// measured and copied by the driver and parsed by the database.

export async function addActivity(db: Db, workspaceId: string, items: { identifier_id: string; n: number; first: string; last: string }[]) {
  if (items.length === 0) return;
  await run(
    db,
    sql`insert into profile_activity (identifier_id, workspace_id, event_count, first_seen_at, last_seen_at)
        select x.i, ${workspaceId}::uuid, x.n, x.a, x.z
        from jsonb_to_recordset(${JSON.stringify(items.map((x) => ({ i: x.identifier_id, n: x.n, a: x.first, z: x.last })))}::jsonb)
          as x(i uuid, n int, a timestamptz, z timestamptz)
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
        select x.i, ${workspaceId}::uuid, x.e, x.n, x.z
        from jsonb_to_recordset(${JSON.stringify(items.map((x) => ({ i: x.identifier_id, e: x.event, n: x.n, z: x.last })))}::jsonb)
          as x(i uuid, e text, n int, z timestamptz)
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
        select x.s, ${workspaceId}::uuid, x.i
        from jsonb_to_recordset(${JSON.stringify(items.map((x) => ({ s: x.seq, i: x.identifier_id })))}::jsonb) as x(s bigint, i uuid)
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

/**
 * A refund without an amount refunds what is left; refunds never exceed the order.
 * Returns the profiles whose orders were refunded (now, after this batch's identity changes): their spend moved.
 */
export async function refundOrders(db: Db, workspaceId: string, items: { order_id: string; amount_minor: number | null; at: string }[]): Promise<string[]> {
  if (items.length === 0) return [];
  const refunded = await rows<{ profile_id: string | null }>(
    db,
    sql`update orders o set
          refunded_minor = least(o.total_minor, o.refunded_minor + coalesce(x.amount_minor, o.total_minor)),
          status = case when least(o.total_minor, o.refunded_minor + coalesce(x.amount_minor, o.total_minor)) >= o.total_minor
                   then 'refunded' else 'partially_refunded' end,
          refunded_at = x.at
        from (select order_id, case when bool_or(amount_minor is null) then null else sum(amount_minor) end as amount_minor, max(at) as at
              from jsonb_to_recordset(${JSON.stringify(items)}::jsonb) as r(order_id text, amount_minor bigint, at timestamptz)
              group by order_id) x
        where o.workspace_id = ${workspaceId} and o.order_id = x.order_id and o.status <> 'refunded'
        returning (select i.profile_id from identity_identifiers i where i.id = o.identifier_id) as profile_id`,
  );
  return [...new Set(refunded.flatMap((r) => (r.profile_id ? [r.profile_id] : [])))];
}

/** What a batch added to the facts of a profile whose identifiers did not change. */
export interface ProfileDelta {
  profileId: string;
  /** Events added to its identifiers' activity, and their first and last time (ISO). */
  events: number;
  first: string | null;
  last: string | null;
  /** A trait of one of its identifiers was written: its traits and name are read again. */
  traits: boolean;
  /** An order of one of its identifiers was added or refunded: its spend is read again. */
  orders: boolean;
}

/** What changed for the profiles of a batch (or of a split). */
export interface ProfileChange {
  /** Profiles whose identifiers changed (new, merged, split): every number is recomputed from their identifiers' facts. */
  recompute: Iterable<string>;
  /** Profiles whose identifiers stayed and gained facts: their numbers move by the batch's delta. */
  deltas?: Iterable<ProfileDelta>;
  /**
   * Profiles this batch created from identifiers all new (with their phone numbers): their numbers
   * are their deltas, counted from nothing, without reading the store.
   */
  fresh?: ReadonlyMap<string, readonly string[]>;
  /** Profiles that exist now: created when new, revived when they had been merged. */
  live: Iterable<string>;
  /** Profiles left without identifiers, with the profile that absorbed them. */
  absorbed: Iterable<readonly [string, string]>;
}

interface ProfileItem {
  i: string;
  /** recompute */
  r?: 1;
  /** fresh, with its phones */
  f?: 1;
  ph?: readonly string[];
  /** touched: updated_at moves */
  t?: 1;
  l?: 1;
  m?: string;
  n?: number;
  a?: string | null;
  z?: string | null;
  tr?: 1;
  o?: 1;
}

/**
 * Writes the rows of a change, one row version per profile, in two statements.
 * A profile's numbers always equal the sum of its identifiers' facts (activity,
 * orders, traits; identity's identifier → profile map is read, never written):
 * those whose identifiers changed are recomputed from the facts, the others move
 * by the batch's delta, reading orders or traits again only when the batch wrote
 * some. New people are inserted with their numbers, split-off ones revived,
 * absorbed ones pointed at their survivor. Every lookup is an index probe from a
 * profile of the change: the cost follows the batch, not the workspace's size.
 */
export async function writeProfiles(db: Db, workspaceId: string, change: ProfileChange, now: Date) {
  const items = new Map<string, ProfileItem>();
  const item = (id: string) => items.get(id) ?? items.set(id, { i: id }).get(id)!;
  for (const id of change.recompute) Object.assign(item(id), { r: 1, t: 1 });
  for (const [id, phones] of change.fresh ?? []) if (!item(id).r) Object.assign(item(id), { f: 1, t: 1, ph: phones });
  for (const d of change.deltas ?? []) {
    const x = item(d.profileId);
    if (x.r) continue;
    x.t = 1;
    if (d.events > 0) Object.assign(x, { n: d.events, a: d.first, z: d.last });
    if (d.traits) x.tr = 1;
    if (d.orders) x.o = 1;
  }
  for (const id of change.live) item(id).l = 1;
  for (const [from, into] of change.absorbed) item(from).m = into;
  // Most profiles of a batch only gain events: one upsert adds them, without reading anything.
  const light: ProfileItem[] = [];
  const heavy: ProfileItem[] = [];
  for (const x of items.values()) (x.l && (x.f || x.n) && !x.r && !x.tr && !x.o && !x.m ? light : heavy).push(x);
  await addEvents(db, workspaceId, light, now);
  if (heavy.length > 0) await rewriteProfiles(db, workspaceId, heavy, now);
}

/**
 * Live profiles that only gained events (or were born with them, from new identifiers
 * alone): their row moves by the delta, or is inserted with it. An index probe each.
 */
async function addEvents(db: Db, workspaceId: string, items: ProfileItem[], now: Date) {
  if (items.length === 0) return;
  const at = now.toISOString();
  await run(
    db,
    sql`insert into profiles (id, workspace_id, phone, event_count, first_seen_at, last_seen_at, created_at, updated_at)
        select x.i, ${workspaceId}::uuid, (select min(v) from unnest(x.ph) v), coalesce(x.n, 0), x.a, x.z, ${at}::timestamptz, ${at}::timestamptz
        from jsonb_to_recordset(${JSON.stringify(items.map(({ i, ph, n, a, z }) => ({ i, ph, n, a, z })))}::jsonb)
          as x(i uuid, ph text[], n int, a timestamptz, z timestamptz)
        on conflict (id) do update set
          merged_into = null, event_count = profiles.event_count + excluded.event_count,
          first_seen_at = least(profiles.first_seen_at, excluded.first_seen_at),
          last_seen_at = greatest(profiles.last_seen_at, excluded.last_seen_at), updated_at = excluded.updated_at
        where profiles.workspace_id = excluded.workspace_id`,
  );
}

/** The other profiles of a change: recomputed, re-read where the batch wrote traits or orders, revived or absorbed. */
async function rewriteProfiles(db: Db, workspaceId: string, items: ProfileItem[], now: Date) {
  const at = now.toISOString();
  // full: recomputed from the facts (its identifiers changed, or it has no row yet and is not
  // fresh). Otherwise it starts from its row, or from an empty one when fresh, and adds the delta.
  await run(
    db,
    sql`insert into profiles (id, workspace_id, merged_into, traits, name, phone, event_count, first_seen_at, last_seen_at,
          order_count, total_spend_minor, last_order_at, created_at, updated_at)
        select x.i, ${workspaceId}::uuid,
          case when x.m is not null then x.m when x.l then null else p.merged_into end,
          case when k.full or x.tr then f.traits else coalesce(p.traits, '{}'::jsonb) end,
          case when k.full or x.tr then coalesce(f.traits->>'name', nullif(trim(concat_ws(' ', f.traits->>'lastName', f.traits->>'firstName')), '')) else p.name end,
          case when k.full then m.phone when x.f then (select min(v) from unnest(x.ph) v) else p.phone end,
          case when k.full then coalesce(a.n, 0) else coalesce(p.event_count, 0) + coalesce(x.n, 0) end,
          case when k.full then a.first else least(p.first_seen_at, x.a) end,
          case when k.full then a.last else greatest(p.last_seen_at, x.z) end,
          case when k.full or x.o then coalesce(s.n, 0) else coalesce(p.order_count, 0) end,
          case when k.full or x.o then coalesce(s.total, 0) else coalesce(p.total_spend_minor, 0) end,
          case when k.full or x.o then s.last else p.last_order_at end,
          ${at}::timestamptz,
          case when x.t or x.m is not null or p.id is null then ${at}::timestamptz else p.updated_at end
        from jsonb_to_recordset(${JSON.stringify(items)}::jsonb)
            as x(i uuid, r boolean, f boolean, ph text[], t boolean, l boolean, m uuid, n int, a timestamptz, z timestamptz, tr boolean, o boolean)
          -- "offset 0" keeps each lateral a per-profile index probe: without statistics (PGlite has
          -- none) the planner would otherwise hash-join whole tables of the workspace.
          left join lateral (
            select * from profiles p where x.f is not true and p.id = x.i and p.workspace_id = ${workspaceId}::uuid offset 0
          ) p on true
          cross join lateral (select coalesce(x.r, false) or (p.id is null and x.f is not true) as full) k
          left join lateral (
            select array_agg(i.id) as ids, min(i.value) filter (where i.type = 'phone') as phone
            from identity_identifiers i
            where (k.full or x.tr or x.o) and i.workspace_id = ${workspaceId}::uuid and i.profile_id = x.i
          ) m on true
          left join lateral (
            select sum(pa.event_count)::int as n, min(pa.first_seen_at) as first, max(pa.last_seen_at) as last
            from profile_activity pa where k.full and pa.identifier_id = any(m.ids)
          ) a on true
          -- Identifier ids are unique across workspaces: their orders are the workspace's.
          left join lateral (
            select count(*) filter (where o.status <> 'refunded')::int as n, sum(o.total_minor - o.refunded_minor)::bigint as total,
              max(o.ordered_at) filter (where o.status <> 'refunded') as last
            from orders o where (k.full or x.o) and o.identifier_id = any(m.ids)
          ) s on true
          left join lateral (
            select coalesce(jsonb_object_agg(z.key, z.value), '{}'::jsonb) as traits from (
              select distinct on (t.key) t.key, t.value from profile_traits t
              where (k.full or x.tr) and t.identifier_id = any(m.ids)
              order by t.key, t.ts desc, t.message_id desc
            ) z
          ) f on true
        where case when p.id is null then x.l else x.t or x.m is not null or (x.l and p.merged_into is not null) end
        on conflict (id) do update set
          merged_into = excluded.merged_into, traits = excluded.traits, name = excluded.name, phone = excluded.phone,
          event_count = excluded.event_count, first_seen_at = excluded.first_seen_at, last_seen_at = excluded.last_seen_at,
          order_count = excluded.order_count, total_spend_minor = excluded.total_spend_minor, last_order_at = excluded.last_order_at,
          updated_at = excluded.updated_at
        where profiles.workspace_id = excluded.workspace_id`,
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
 * A subquery of (id, live_id): these live profiles and every profile merged into them (up to 20 hops
 * down), each with the live profile it belongs to. One probe of the merged_into index per profile: what
 * a request about some customers reads, where liveProfileRoots would walk the whole workspace.
 */
export function profilesMergedInto(workspaceId: string, liveIds: readonly string[]) {
  return sql`(with recursive down(id, live_id, depth) as (
      select id, id, 0 from profiles where id = any(${uuidArray(liveIds.filter(isUuid))}::uuid[]) and workspace_id = ${workspaceId}::uuid
      union all
      select p.id, d.live_id, d.depth + 1
      from down d cross join lateral (select id from profiles where merged_into = d.id and workspace_id = ${workspaceId}::uuid offset 0) p
      where d.depth < 20
    ) select id, live_id from down)`;
}

/**
 * The live profile of each of these ids, following merges (at most 10 hops, as `profiles.resolveId`),
 * in one statement. Ids that are not a profile of the workspace (or not a uuid) are absent.
 */
export async function resolveLiveProfiles(db: Db, workspaceId: string, ids: Iterable<string>): Promise<Map<string, string>> {
  const wanted = [...new Set(ids)].filter(isUuid);
  if (wanted.length === 0) return new Map();
  const found = await rows<{ start: string; id: string }>(db, liveProfilesStatement(workspaceId, wanted));
  return new Map(found.map((r) => [r.start, r.id]));
}

/**
 * resolveLiveProfiles' statement: every step a probe by primary key whatever the planner's statistics.
 * The ids by primary key (`offset 0` keeps the workspace out of the index choice: without statistics
 * it read the workspace's every profile); each hop one lateral probe per merged profile only (as a
 * join, with statistics the planner hashed every profile of the workspace on every call).
 */
function liveProfilesStatement(workspaceId: string, ids: readonly string[]) {
  return sql`with recursive ${liveProfilesQueries(workspaceId, ids)} select start, id from live_profiles`;
}

/**
 * resolveLiveProfiles as common table expressions, for a statement that goes on with the live profiles
 * (it begins `with recursive`): `live_profiles(start, id)` holds each id's live profile, as
 * resolveLiveProfiles returns them (`live_chain` is its walk). The ids must be uuids.
 */
export function liveProfilesQueries(workspaceId: string, ids: readonly string[]) {
  return sql`live_chain(start, id, merged_into, hop) as (
      select id, id, merged_into, 0 from (select id, workspace_id, merged_into from profiles where id = any(${uuidArray(ids)}::uuid[]) offset 0) p
      where workspace_id = ${workspaceId}::uuid
      union all
      select c.start, p.id, p.merged_into, c.hop + 1
      from live_chain c cross join lateral (select id, merged_into from profiles where id = c.merged_into and workspace_id = ${workspaceId}::uuid offset 0) p
      where c.merged_into is not null and c.hop < 9),
    live_profiles(start, id) as (select start, id from live_chain where merged_into is null)`;
}
