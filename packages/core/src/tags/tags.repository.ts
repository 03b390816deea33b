import { sql, type SQL } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { appendProfileEvents, type NewProfileEvent } from "../profile-events";
import { profilesMergedInto, resolveLiveProfiles } from "../profiles";
import type { TagSource } from "@siyu/contracts";
import { rows } from "../shared";

/** Raw query rows: the shared helper, re-exported for this module's files. */
export { rows };

// The SQL of holding tags. Rows keep the profile id a tag was given to; a merge points that id
// at the surviving profile (profiles.merged_into, possibly over several hops), so every read
// maps a row to its live customer, and every write is decided on live customers.

/** Rows per statement when a batch is large. */
export const CHUNK = 5_000;
const MAX_HOPS = 20;

export function uuidArray(ids: readonly string[]): string {
  return `{${ids.join(",")}}`;
}

/**
 * `held(pid, live_id)`: every profile id holding one of `tagIds` (all tags of the workspace
 * when null) with the live customer it leads to. A CTE prefix for the queries below.
 */
function heldCte(workspaceId: string, tagIds: readonly string[] | null): SQL {
  const tagFilter = tagIds ? sql`and pt.tag_id = any(${uuidArray(tagIds)}::uuid[])` : sql``;
  return sql`with recursive chain(pid, cur, depth) as (
      select distinct pt.profile_id, pt.profile_id, 0 from profile_tags pt where pt.workspace_id = ${workspaceId}::uuid ${tagFilter}
      union all
      select c.pid, p.merged_into, c.depth + 1 from chain c join profiles p on p.id = c.cur
      where p.merged_into is not null and c.depth < ${MAX_HOPS}
    ), held as (select distinct on (pid) pid, cur as live_id from chain order by pid, depth desc)`;
}

/** `members(id, live)`: the given live customers with every profile id merged into them (profilesMergedInto). */
function membersCte(workspaceId: string, liveIds: readonly string[]): SQL {
  return sql`with members(id, live) as ${profilesMergedInto(workspaceId, liveIds)}`;
}

/** The live customer of each id (an absorbed id leads to its survivor); ids of no profile are left out. */
export async function liveIdsOf(db: Db, workspaceId: string, ids: readonly string[]): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  for (let i = 0; i < ids.length; i += CHUNK) for (const [id, live] of await resolveLiveProfiles(db, workspaceId, ids.slice(i, i + CHUNK))) result.set(id, live);
  return result;
}

/** Live holders of each tag (all the workspace's tags when null). */
export async function holdersOf(db: Db, workspaceId: string, tagIds: readonly string[] | null): Promise<Map<string, Set<string>>> {
  const tagFilter = tagIds ? sql`and pt.tag_id = any(${uuidArray(tagIds)}::uuid[])` : sql``;
  const found = await rows<{ tag_id: string; live_id: string }>(
    db,
    sql`${heldCte(workspaceId, tagIds)}
        select distinct pt.tag_id::text as tag_id, h.live_id::text as live_id
        from profile_tags pt join held h on h.pid = pt.profile_id
        where pt.workspace_id = ${workspaceId}::uuid ${tagFilter}`,
  );
  const result = new Map<string, Set<string>>();
  for (const r of found) {
    let set = result.get(r.tag_id);
    if (!set) result.set(r.tag_id, (set = new Set()));
    set.add(r.live_id);
  }
  return result;
}

/** Holder counts per tag: live customers, each once however many of its ids hold the tag. */
export async function holderCounts(db: Db, workspaceId: string): Promise<Map<string, number>> {
  const found = await rows<{ tag_id: string; n: number | string }>(
    db,
    sql`${heldCte(workspaceId, null)}
        select pt.tag_id::text as tag_id, count(distinct h.live_id) as n
        from profile_tags pt join held h on h.pid = pt.profile_id
        where pt.workspace_id = ${workspaceId}::uuid group by pt.tag_id`,
  );
  return new Map(found.map((r) => [r.tag_id, Number(r.n)]));
}

export interface HeldTagRow {
  tag_id: string;
  live_id: string;
  source: TagSource;
  added_at: string | Date;
  added_by: string | null;
}

/** The tags live customers hold (through any id merged into them), earliest assignment first. */
export async function tagsHeldBy(db: Db, workspaceId: string, liveIds: readonly string[]): Promise<HeldTagRow[]> {
  if (liveIds.length === 0) return [];
  return rows<HeldTagRow>(
    db,
    sql`${membersCte(workspaceId, liveIds)}
        select distinct on (pt.tag_id, m.live) pt.tag_id::text as tag_id, m.live::text as live_id, pt.source, pt.added_at, pt.added_by
        from profile_tags pt join members m on m.id = pt.profile_id
        where pt.workspace_id = ${workspaceId}::uuid
        order by pt.tag_id, m.live, pt.added_at`,
  );
}

export interface TagRef {
  id: string;
  name: string;
}

export interface ChangeContext {
  workspaceId: string;
  source: TagSource;
  addedBy: string | null;
  now: Date;
}

/**
 * Gives a tag to live customers that do not hold it yet (through any of their ids), a chunk
 * per statement, and appends tag.added for each. In an exclusive group the customers'
 * other tags of the group are removed (tag.removed). Returns the customers that gained it.
 */
export async function addHolders(
  tx: Db,
  change: ChangeContext,
  tag: TagRef,
  liveIds: readonly string[],
  exclusiveSiblings: readonly TagRef[],
): Promise<string[]> {
  const unique = [...new Set(liveIds)];
  const added: string[] = [];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const chunk = unique.slice(i, i + CHUNK);
    const inserted = await rows<{ profile_id: string }>(
      tx,
      sql`${membersCte(change.workspaceId, chunk)},
          holding as (select distinct m.live from members m join profile_tags pt on pt.profile_id = m.id
                      where pt.workspace_id = ${change.workspaceId}::uuid and pt.tag_id = ${tag.id}::uuid)
          insert into profile_tags (workspace_id, tag_id, profile_id, source, added_at, added_by)
          select ${change.workspaceId}::uuid, ${tag.id}::uuid, x.id, ${change.source}, ${change.now.toISOString()}::timestamptz, ${change.addedBy}
          from unnest(${uuidArray(chunk)}::uuid[]) as x(id)
          where x.id not in (select live from holding)
          on conflict do nothing
          returning profile_id::text as profile_id`,
    );
    added.push(...inserted.map((r) => r.profile_id));
  }
  if (exclusiveSiblings.length > 0 && added.length > 0) {
    await removeHolders(tx, change, exclusiveSiblings, added);
  }
  await appendProfileEvents(
    tx,
    change.now,
    added.map((profileId) => tagEvent(change, "tag.added", tag, profileId)),
  );
  return added;
}

/**
 * Takes tags from live customers (every id of theirs that holds them), a chunk per
 * statement, and appends tag.removed for each customer that held one. Returns per tag the
 * customers that lost it.
 */
export async function removeHolders(tx: Db, change: ChangeContext, tagList: readonly TagRef[], liveIds: readonly string[]): Promise<Map<string, string[]>> {
  const unique = [...new Set(liveIds)];
  const removed = new Map<string, Set<string>>();
  if (tagList.length === 0) return new Map();
  for (let i = 0; i < unique.length; i += CHUNK) {
    const chunk = unique.slice(i, i + CHUNK);
    const deleted = await rows<{ tag_id: string; live: string }>(
      tx,
      sql`${membersCte(change.workspaceId, chunk)}
          delete from profile_tags pt using members m
          where pt.workspace_id = ${change.workspaceId}::uuid and pt.profile_id = m.id
            and pt.tag_id = any(${uuidArray(tagList.map((t) => t.id))}::uuid[])
          returning pt.tag_id::text as tag_id, m.live::text as live`,
    );
    for (const r of deleted) {
      let set = removed.get(r.tag_id);
      if (!set) removed.set(r.tag_id, (set = new Set()));
      set.add(r.live);
    }
  }
  const events: NewProfileEvent[] = [];
  for (const tag of tagList) for (const live of removed.get(tag.id) ?? []) events.push(tagEvent(change, "tag.removed", tag, live));
  await appendProfileEvents(tx, change.now, events);
  return new Map([...removed].map(([id, set]) => [id, [...set]]));
}

function tagEvent(change: ChangeContext, kind: "tag.added" | "tag.removed", tag: TagRef, profileId: string): NewProfileEvent {
  return { workspaceId: change.workspaceId, profileId, kind, payload: { tagId: tag.id, tagName: tag.name, source: change.source } };
}

/** Every (live customer, tag) pair of a workspace, or of all workspaces: what the warehouse copies. */
export async function liveTagPairs(db: Db, workspaceId: string | null): Promise<{ workspace_id: string; live_id: string; tag_id: string }[]> {
  const scope = workspaceId ? sql`pt.workspace_id = ${workspaceId}::uuid` : sql`true`;
  return rows(
    db,
    sql`with recursive chain(pid, cur, depth) as (
          select distinct pt.profile_id, pt.profile_id, 0 from profile_tags pt where ${scope}
          union all
          select c.pid, p.merged_into, c.depth + 1 from chain c join profiles p on p.id = c.cur
          where p.merged_into is not null and c.depth < ${MAX_HOPS}
        ), held as (select distinct on (pid) pid, cur as live_id from chain order by pid, depth desc)
        select distinct pt.workspace_id::text as workspace_id, h.live_id::text as live_id, pt.tag_id::text as tag_id
        from profile_tags pt join held h on h.pid = pt.profile_id
        join profiles p on p.id = h.live_id and p.merged_into is null
        where ${scope}`,
  );
}
