import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { NormalisedEvent } from "./normalise-message";

/** A row of the event log as consumers see it. */
export interface LoggedEvent {
  seq: number;
  workspaceId: string;
  messageId: string;
  type: string;
  event: string | null;
  userId: string | null;
  anonymousId: string | null;
  ts: Date;
  receivedAt: Date;
  payload: Record<string, unknown>;
}

// Appends are serialised by this lock so that log order equals commit order on a
// PostgreSQL server too: a consumer reading "after seq N" then never skips a late commit.
const APPEND_LOCK = 7_301_001;

/**
 * Appends a batch in one statement; a message id the workspace already has is
 * skipped, whatever its age. Returns the message ids that were new.
 */
export async function appendEvents(db: Db, workspaceId: string, events: readonly NormalisedEvent[]): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  const rows = events.map((e) => ({
    message_id: e.messageId,
    type: e.type,
    event: e.event,
    user_id: e.userId,
    anonymous_id: e.anonymousId,
    ts: e.ts.toISOString(),
    received_at: e.receivedAt.toISOString(),
    payload: e.payload,
  }));
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${APPEND_LOCK})`);
    const result = (await tx.execute(sql`
      insert into events_log (workspace_id, message_id, type, event, user_id, anonymous_id, ts, received_at, payload)
      select ${workspaceId}::uuid, x.message_id, x.type, x.event, x.user_id, x.anonymous_id, x.ts, x.received_at, x.payload
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        as x(message_id text, type text, event text, user_id text, anonymous_id text, ts timestamptz, received_at timestamptz, payload jsonb)
      on conflict (workspace_id, message_id) do nothing
      returning message_id`)) as unknown as { rows: { message_id: string }[] };
    return new Set(result.rows.map((r) => r.message_id));
  });
}

/**
 * Events after `position` (and up to `upTo` when given), in log order. They travel as JSON values, one per
 * EVENTS_PER_JSON_VALUE seqs (so at most that many events each): decoding a few values is about twice as fast as
 * decoding ten fields of every row (PGlite, 5,000 events), and a value stays far below
 * PostgreSQL's 1 GB limit even at the largest message size ingestion allows (1 MB).
 */
export async function readEventsAfter(db: Db, position: number, limit: number, upTo: number | null = null, named: readonly string[] | null = null): Promise<LoggedEvent[]> {
  const result = (await db.execute(sql`
    select (seq - ${position}) / ${EVENTS_PER_JSON_VALUE} as part,
      json_agg(json_build_array(seq, workspace_id, message_id, type, event, user_id, anonymous_id, ts, received_at, payload) order by seq) as events
    from (select * from events_log where seq > ${position} ${upTo === null ? sql`` : sql`and seq <= ${upTo}`}
            ${named === null ? sql`` : sql`and event = any(array(select jsonb_array_elements_text(${JSON.stringify(named)}::jsonb)))`}
          order by seq limit ${limit}) e
    group by part order by part`)) as unknown as { rows: { events: RawEventRow[] | string }[] };
  return result.rows.flatMap((r) => (typeof r.events === "string" ? (JSON.parse(r.events) as RawEventRow[]) : r.events)).map(toLoggedEvent);
}

/** The next `limit` events after `position` (up to `upTo`): how many and the last one's seq, without reading them. */
export async function logWindow(db: Db, position: number, limit: number, upTo: number | null = null): Promise<{ count: number; last: number }> {
  const result = (await db.execute(sql`
    select count(*)::int as count, coalesce(max(seq), 0)::bigint as last
    from (select seq from events_log where seq > ${position} ${upTo === null ? sql`` : sql`and seq <= ${upTo}`} order by seq limit ${limit}) w`)) as unknown as {
    rows: { count: number; last: string | number }[];
  };
  return { count: result.rows[0]?.count ?? 0, last: Number(result.rows[0]?.last ?? 0) };
}

/** Events per JSON value of a log batch: 200 messages of 1 MB, even with jsonb's spaces added, stay under 0.5 GB. */
export const EVENTS_PER_JSON_VALUE = 200;

export async function lastSeq(db: Db): Promise<number> {
  const result = (await db.execute(sql`select coalesce(max(seq), 0)::bigint as seq from events_log`)) as unknown as {
    rows: { seq: string | number }[];
  };
  return Number(result.rows[0]?.seq ?? 0);
}

/**
 * A logged event as a JSON array, the form log batches travel in:
 * json_build_array(seq, workspace_id, message_id, type, event, user_id, anonymous_id, ts, received_at, payload).
 */
export type RawEventRow = [number, string, string, string, string | null, string | null, string | null, string, string, Record<string, unknown>];

export function toLoggedEvent([seq, workspaceId, messageId, type, event, userId, anonymousId, ts, receivedAt, payload]: RawEventRow): LoggedEvent {
  return { seq: Number(seq), workspaceId, messageId, type, event, userId, anonymousId, ts: new Date(ts), receivedAt: new Date(receivedAt), payload };
}
