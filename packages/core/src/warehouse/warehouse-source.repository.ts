import type { Db } from "@siyu/storage";
import { sql, type SQL } from "@siyu/storage/orm";
import { EVENTS_PER_JSON_VALUE, toLoggedEvent, type LoggedEvent, type RawEventRow } from "../events";
import type { WarehouseCell } from "./warehouse-types";

// The warehouse is a read-only copy of identity and profile tables, so it reads them
// here in bulk instead of through their services (which answer one profile at a time).

type Rows<T> = { rows: T[] };

/**
 * The next events of the log with the anchor identifier the profile projector gave each
 * (null where it has not handled the event yet), in one statement, as JSON values of up to
 * EVENTS_PER_JSON_VALUE events (see readEventsAfter).
 */
export async function readEventsWithAnchorsAfter(db: Db, position: number, limit: number): Promise<{ event: LoggedEvent; identifierId: string | null }[]> {
  type Row = [...RawEventRow, string | null];
  const result = (await db.execute(sql`
    with e as (select * from events_log where seq > ${position} order by seq limit ${limit})
    select (e.seq - ${position}) / ${EVENTS_PER_JSON_VALUE} as part,
      json_agg(json_build_array(e.seq, e.workspace_id, e.message_id, e.type, e.event, e.user_id, e.anonymous_id, e.ts, e.received_at, e.payload, a.identifier_id) order by e.seq) as events
    from e left join profile_event_anchors a on a.seq = e.seq and a.seq > ${position} and a.seq <= (select max(seq) from e)
    group by part order by part`)) as unknown as Rows<{ events: Row[] | string }>;
  return result.rows
    .flatMap((r) => (typeof r.events === "string" ? (JSON.parse(r.events) as Row[]) : r.events))
    .map((row) => ({ event: toLoggedEvent(row.slice(0, 10) as RawEventRow), identifierId: row[10] }));
}

export async function readAnchorsOf(db: Db, seqs: readonly number[]): Promise<WarehouseCell[][]> {
  if (seqs.length === 0) return [];
  const result = (await db.execute(sql`
    select seq, identifier_id::text as identifier_id from profile_event_anchors
    where seq = any(${`{${seqs.join(",")}}`}::bigint[])`)) as unknown as Rows<{ seq: string | number; identifier_id: string }>;
  return result.rows.map((r) => [BigInt(r.seq), r.identifier_id]);
}

export interface Page {
  rows: WarehouseCell[][];
  /** The keyset cursor for the next page; null when this was the last one. */
  next: string | null;
}

function scope(workspaceId: string | null, after: string | null): SQL {
  const parts = [sql`true`];
  if (workspaceId) parts.push(sql`workspace_id = ${workspaceId}::uuid`);
  if (after) parts.push(sql`id > ${after}::uuid`);
  return sql.join(parts, sql` and `);
}

/** Rows in the column order of the warehouse's profile_identifiers. */
export async function readIdentifierPage(db: Db, workspaceId: string | null, after: string | null, limit: number): Promise<Page> {
  const result = (await db.execute(sql`
    select workspace_id::text as workspace_id, id::text as id, type, value, profile_id::text as profile_id
    from identity_identifiers where ${scope(workspaceId, after)} order by id limit ${limit}`)) as unknown as Rows<{
    workspace_id: string;
    id: string;
    type: string;
    value: string;
    profile_id: string;
  }>;
  return {
    rows: result.rows.map((r) => [r.workspace_id, r.id, r.type, r.value, r.profile_id]),
    next: result.rows.length < limit ? null : result.rows[result.rows.length - 1]!.id,
  };
}

// Timestamps travel as epoch microseconds: exact, and the same from PGlite and node-postgres.
const micros = (column: string) => sql.raw(`(extract(epoch from ${column}) * 1000000)::bigint::text as ${column}`);

/** Rows in the column order of the warehouse's profiles. */
export async function readProfilePage(db: Db, workspaceId: string | null, after: string | null, limit: number): Promise<Page> {
  const result = (await db.execute(sql`
    select workspace_id::text as workspace_id, id::text as id, merged_into::text as merged_into, name, phone,
      ${micros("first_seen_at")}, ${micros("last_seen_at")}, event_count, order_count,
      total_spend_minor::text as total_spend_minor, ${micros("last_order_at")}, traits::text as traits
    from profiles where ${scope(workspaceId, after)} order by id limit ${limit}`)) as unknown as Rows<{
    workspace_id: string;
    id: string;
    merged_into: string | null;
    name: string | null;
    phone: string | null;
    first_seen_at: string | null;
    last_seen_at: string | null;
    event_count: number;
    order_count: number;
    total_spend_minor: string;
    last_order_at: string | null;
    traits: string | null;
  }>;
  const at = (value: string | null) => (value === null ? null : BigInt(value));
  return {
    rows: result.rows.map((r) => [
      r.workspace_id,
      r.id,
      r.merged_into,
      r.name,
      r.phone,
      at(r.first_seen_at),
      at(r.last_seen_at),
      Number(r.event_count),
      Number(r.order_count),
      BigInt(r.total_spend_minor),
      at(r.last_order_at),
      r.traits,
    ]),
    next: result.rows.length < limit ? null : result.rows[result.rows.length - 1]!.id,
  };
}
