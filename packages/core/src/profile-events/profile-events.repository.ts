import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { newId } from "../shared/ids";

/**
 * What changed, by kind. The payload names the thing (tag, segment, stage) by id and, where it
 * helps a reader of the timeline, by name:
 * - tag.added / tag.removed            { tagId, tagName, source }
 * - segment.entered / segment.exited   { segmentId, segmentName }
 * - lifecycle.changed                  { from, to }
 * - rfm.changed                        { from, to }         (RFM cells)
 * - value_tier.changed                 { from, to }
 * - consent.changed                    { channel, purpose, granted, source }
 * - loyalty_tier.changed               { from, to, growth, reason: upgrade | downgrade | inactivity }
 * - task.completed                     { taskId, taskCode, taskName, periodKey, rewardPoints, couponId, couponError }
 * - badge.granted / badge.revoked      { badgeId, badgeCode, badgeName, kind: badge | title }
 */
export type ProfileEventKind =
  | "tag.added"
  | "tag.removed"
  | "segment.entered"
  | "segment.exited"
  | "lifecycle.changed"
  | "rfm.changed"
  | "value_tier.changed"
  | "consent.changed"
  | "loyalty_tier.changed"
  | "task.completed"
  | "badge.granted"
  | "badge.revoked";

export interface NewProfileEvent {
  workspaceId: string;
  profileId: string;
  kind: ProfileEventKind;
  payload: Record<string, unknown>;
}

export interface ProfileEvent extends NewProfileEvent {
  seq: number;
  id: string;
  at: Date;
}

// Appends take this lock so that seq order equals commit order on a PostgreSQL server too:
// a consumer reading "after seq N" then never skips a row that commits late.
const APPEND_LOCK = 7_301_002;
const CHUNK = 5_000;

/**
 * Appends change events in as few statements as the batch needs. Pass the transaction that
 * makes the change: the events commit, or roll back, with it.
 */
export async function appendProfileEvents(tx: Db, at: Date, events: readonly NewProfileEvent[]): Promise<void> {
  if (events.length === 0) return;
  await tx.execute(sql`select pg_advisory_xact_lock(${APPEND_LOCK})`);
  for (let i = 0; i < events.length; i += CHUNK) {
    const rows = events.slice(i, i + CHUNK).map((e) => ({
      id: newId(),
      workspace_id: e.workspaceId,
      profile_id: e.profileId,
      kind: e.kind,
      payload: e.payload,
    }));
    await tx.execute(sql`
      insert into profile_events (id, workspace_id, profile_id, kind, payload, at)
      select x.id, x.workspace_id, x.profile_id, x.kind, x.payload, ${at.toISOString()}::timestamptz
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        as x(id uuid, workspace_id uuid, profile_id uuid, kind text, payload jsonb)`);
  }
}

/** Change events after `position`, in order: what a consumer reads next. */
export async function readProfileEventsAfter(db: Db, position: number, limit: number): Promise<ProfileEvent[]> {
  const result = (await db.execute(sql`
    select seq, id, workspace_id, profile_id, kind, payload, at from profile_events
    where seq > ${position} order by seq limit ${limit}`)) as unknown as { rows: RawRow[] };
  return result.rows.map(toProfileEvent);
}

/** One profile's change events (any of its ids, e.g. before and after a merge), newest first. */
export async function listProfileEventsOf(
  db: Db,
  workspaceId: string,
  profileIds: readonly string[],
  options: { beforeSeq?: number; limit: number },
): Promise<ProfileEvent[]> {
  if (profileIds.length === 0) return [];
  const result = (await db.execute(sql`
    select seq, id, workspace_id, profile_id, kind, payload, at from profile_events
    where workspace_id = ${workspaceId}::uuid and profile_id = any(${`{${profileIds.join(",")}}`}::uuid[])
      and (${options.beforeSeq ?? null}::bigint is null or seq < ${options.beforeSeq ?? null}::bigint)
    order by seq desc limit ${options.limit}`)) as unknown as { rows: RawRow[] };
  return result.rows.map(toProfileEvent);
}

interface RawRow {
  seq: string | number;
  id: string;
  workspace_id: string;
  profile_id: string;
  kind: string;
  payload: Record<string, unknown>;
  at: string | Date;
}

function toProfileEvent(r: RawRow): ProfileEvent {
  return {
    seq: Number(r.seq),
    id: r.id,
    workspaceId: r.workspace_id,
    profileId: r.profile_id,
    kind: r.kind as ProfileEventKind,
    payload: r.payload,
    at: new Date(r.at),
  };
}
