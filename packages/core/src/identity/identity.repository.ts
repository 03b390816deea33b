import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { rows } from "../shared";

/** Raw query rows: the shared helper, re-exported for this module's files. */
export { rows };

export interface IdentifierRow {
  id: string;
  type: string;
  value: string;
  profile_id: string;
  origin_profile_id: string;
}

export interface LinkRow {
  a_id: string;
  b_id: string;
  message_id: string;
  ts: string | Date;
  verdict: string;
}

export interface NewIdentifier {
  id: string;
  type: string;
  value: string;
  profile_id: string;
  first_seen_at: string;
}

/** Inserts identifiers not seen before; returns the ids of those that were new. */
export async function insertIdentifiers(db: Db, workspaceId: string, items: NewIdentifier[]): Promise<Set<string>> {
  if (items.length === 0) return new Set();
  const inserted = await rows<{ id: string }>(
    db,
    sql`insert into identity_identifiers (id, workspace_id, type, value, profile_id, origin_profile_id, first_seen_at)
        select x.id, ${workspaceId}::uuid, x.type, x.value, x.profile_id, x.profile_id, x.first_seen_at
        from jsonb_to_recordset(${JSON.stringify(items)}::jsonb) as x(id uuid, type text, value text, profile_id uuid, first_seen_at timestamptz)
        on conflict (workspace_id, type, value) do nothing
        returning id`,
  );
  return new Set(inserted.map((r) => r.id));
}

export async function findIdentifiers(db: Db, workspaceId: string, keys: { type: string; value: string }[]): Promise<IdentifierRow[]> {
  if (keys.length === 0) return [];
  return rows<IdentifierRow>(
    db,
    sql`select i.id, i.type, i.value, i.profile_id, i.origin_profile_id
        from jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as k(type text, value text)
        join identity_identifiers i on i.workspace_id = ${workspaceId} and i.type = k.type and i.value = k.value`,
  );
}

export async function identifiersByIds(db: Db, workspaceId: string, ids: string[]): Promise<IdentifierRow[]> {
  if (ids.length === 0) return [];
  return rows<IdentifierRow>(
    db,
    sql`select id, type, value, profile_id, origin_profile_id from identity_identifiers
        where workspace_id = ${workspaceId} and id = any(${toUuidArray(ids)}::uuid[])`,
  );
}

/**
 * Records links; a pair already known keeps its earliest event. Returns the pairs
 * that are new or moved earlier: only their components need judging again.
 */
export async function upsertLinks(
  db: Db,
  workspaceId: string,
  links: { a_id: string; b_id: string; message_id: string; ts: string }[],
): Promise<{ a_id: string; b_id: string }[]> {
  if (links.length === 0) return [];
  return rows(
    db,
    sql`insert into identity_links (workspace_id, a_id, b_id, message_id, ts, verdict)
        select ${workspaceId}::uuid, x.a_id, x.b_id, x.message_id, x.ts, 'pending'
        from jsonb_to_recordset(${JSON.stringify(links)}::jsonb) as x(a_id uuid, b_id uuid, message_id text, ts timestamptz)
        on conflict (workspace_id, a_id, b_id) do update
          set ts = excluded.ts, message_id = excluded.message_id
          where (excluded.ts, excluded.message_id) < (identity_links.ts, identity_links.message_id)
        returning a_id, b_id`,
  );
}

/** Every identifier reachable from the seeds through any link, accepted or refused. */
export async function componentOf(db: Db, workspaceId: string, seeds: string[]): Promise<string[]> {
  const found = await rows<{ id: string }>(
    db,
    // Each step follows links in both directions through two index lookups (a_id, then b_id):
    // one join on "a_id = id or b_id = id" would scan every link of the workspace per step.
    sql`with recursive comp(id) as (
          select unnest(${toUuidArray(seeds)}::uuid[])
          union
          select n.id from comp c cross join lateral (
            select l.b_id as id from identity_links l where l.workspace_id = ${workspaceId} and l.a_id = c.id
            union all
            select l.a_id from identity_links l where l.workspace_id = ${workspaceId} and l.b_id = c.id
          ) n
        )
        select id from comp`,
  );
  return found.map((r) => r.id);
}

export async function linksAmong(db: Db, workspaceId: string, ids: string[]): Promise<LinkRow[]> {
  return rows<LinkRow>(
    db,
    sql`select a_id, b_id, message_id, ts, verdict from identity_links
        where workspace_id = ${workspaceId} and a_id = any(${toUuidArray(ids)}::uuid[])`,
  );
}

export async function separationsTouching(db: Db, workspaceId: string, ids: string[]) {
  return rows<{ id: string; left_ids: string[] | string; right_ids: string[] | string }>(
    db,
    sql`select id, left_ids, right_ids from identity_separations
        where workspace_id = ${workspaceId} and (left_ids && ${toUuidArray(ids)}::uuid[] or right_ids && ${toUuidArray(ids)}::uuid[])`,
  );
}

export async function setProfiles(db: Db, workspaceId: string, changes: { id: string; profile_id: string }[]) {
  if (changes.length === 0) return;
  await db.execute(sql`
    update identity_identifiers i set profile_id = x.profile_id
    from jsonb_to_recordset(${JSON.stringify(changes)}::jsonb) as x(id uuid, profile_id uuid)
    where i.workspace_id = ${workspaceId} and i.id = x.id`);
}

export async function setVerdicts(db: Db, workspaceId: string, verdicts: { a_id: string; b_id: string; verdict: string; reason: string | null }[]) {
  if (verdicts.length === 0) return;
  await db.execute(sql`
    update identity_links l set verdict = x.verdict, reason = x.reason
    from jsonb_to_recordset(${JSON.stringify(verdicts)}::jsonb) as x(a_id uuid, b_id uuid, verdict text, reason text)
    where l.workspace_id = ${workspaceId} and l.a_id = x.a_id and l.b_id = x.b_id`);
}

export async function insertMerges(
  db: Db,
  workspaceId: string,
  merges: { id: string; survivor: string; merged: string; survivor_ids: string[]; merged_ids: string[]; message_id: string | null; at: string }[],
) {
  if (merges.length === 0) return;
  await db.execute(sql`
    insert into identity_merges (id, workspace_id, survivor_profile_id, merged_profile_id, survivor_identifier_ids, merged_identifier_ids, message_id, at)
    select x.id, ${workspaceId}::uuid, x.survivor, x.merged,
      array(select jsonb_array_elements_text(x.survivor_ids)::uuid), array(select jsonb_array_elements_text(x.merged_ids)::uuid),
      x.message_id, x.at
    from jsonb_to_recordset(${JSON.stringify(merges)}::jsonb)
      as x(id uuid, survivor uuid, merged uuid, survivor_ids jsonb, merged_ids jsonb, message_id text, at timestamptz)`);
}

/** Postgres array literal for a uuid[] parameter; ids are validated uuids. */
export function toUuidArray(ids: readonly string[]): string {
  return `{${ids.join(",")}}`;
}

export function parseUuidArray(value: string[] | string): string[] {
  if (Array.isArray(value)) return value;
  return value.replace(/^\{|\}$/g, "").split(",").filter(Boolean);
}
