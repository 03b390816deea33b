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

// Lookups below are index probes from the batch's own rows ("lateral … offset 0", or "= any" on a
// key): without statistics (PGlite never has any) the planner would otherwise hash-join every row
// of the workspace, a cost that grows with the store instead of the batch.

/**
 * The batch's identifiers, in one statement: those the workspace has are looked up,
 * the others inserted as given. Returns the row of each, and the ids that were new.
 */
export async function upsertIdentifiers(db: Db, workspaceId: string, items: NewIdentifier[]): Promise<{ rows: IdentifierRow[]; inserted: Set<string> }> {
  if (items.length === 0) return { rows: [], inserted: new Set() };
  // One JSON value: [candidate index, id, profile, origin] for rows found, [null, id] for rows inserted.
  const [answer] = await rows<{ rows: [number | null, string, string?, string?][] | string | null }>(
    db,
    sql`with k as (
          select k.*, i.id as found_id, i.profile_id as found_profile, i.origin_profile_id as found_origin
          from jsonb_to_recordset(${JSON.stringify(items.map((x, n) => ({ n, i: x.id, t: x.type, v: x.value, p: x.profile_id, f: x.first_seen_at })))}::jsonb)
              as k(n int, i uuid, t text, v text, p uuid, f timestamptz)
            left join lateral (
              select id, profile_id, origin_profile_id from identity_identifiers
              where workspace_id = ${workspaceId}::uuid and type = k.t and value = k.v offset 0
            ) i on true
        ),
        added as (
          insert into identity_identifiers (id, workspace_id, type, value, profile_id, origin_profile_id, first_seen_at)
          select k.i, ${workspaceId}::uuid, k.t, k.v, k.p, k.p, k.f from k where k.found_id is null
          on conflict (workspace_id, type, value) do nothing
          returning id
        )
        select json_agg(r) as rows from (
          select json_build_array(n, found_id, found_profile, found_origin) as r from k where found_id is not null
          union all
          select json_build_array(null, id) from added
        ) a`,
  );
  const list = typeof answer?.rows === "string" ? (JSON.parse(answer.rows) as [number | null, string, string?, string?][]) : (answer?.rows ?? []);
  const byId = new Map(items.map((x) => [x.id, x]));
  const inserted = new Set<string>();
  const found: IdentifierRow[] = [];
  for (const [n, id, profileId, originId] of list) {
    if (n === null) {
      const x = byId.get(id)!;
      inserted.add(id);
      found.push({ id, type: x.type, value: x.value, profile_id: x.profile_id, origin_profile_id: x.profile_id });
    } else {
      const x = items[n]!;
      found.push({ id, type: x.type, value: x.value, profile_id: profileId!, origin_profile_id: originId! });
    }
  }
  // Another writer may have inserted one of them after this statement's snapshot: read those again.
  if (found.length < items.length) {
    const have = new Set(found.map((r) => `${r.type}\u0000${r.value}`));
    found.push(...(await findIdentifiers(db, workspaceId, items.filter((x) => !have.has(`${x.type}\u0000${x.value}`)))));
  }
  return { rows: found, inserted };
}

export async function findIdentifiers(db: Db, workspaceId: string, keys: { type: string; value: string }[]): Promise<IdentifierRow[]> {
  if (keys.length === 0) return [];
  return rows<IdentifierRow>(
    db,
    sql`select i.id, i.type, i.value, i.profile_id, i.origin_profile_id
        from jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as k(type text, value text)
        cross join lateral (
          select * from identity_identifiers i where i.workspace_id = ${workspaceId} and i.type = k.type and i.value = k.value offset 0
        ) i`,
  );
}

/**
 * Records links; a pair already known keeps its earliest event. Returns the pairs
 * that are new or moved earlier: only their components need judging again. A new
 * link is stored as accepted, the verdict most links get: judging its component in
 * the same transaction rewrites only the verdicts that come out otherwise.
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
        select ${workspaceId}::uuid, x.a_id, x.b_id, x.message_id, x.ts, 'accepted'
        from jsonb_to_recordset(${JSON.stringify(links)}::jsonb) as x(a_id uuid, b_id uuid, message_id text, ts timestamptz)
        on conflict (workspace_id, a_id, b_id) do update
          set ts = excluded.ts, message_id = excluded.message_id
          where (excluded.ts, excluded.message_id) < (identity_links.ts, identity_links.message_id)
        returning a_id, b_id`,
  );
}

export interface Component {
  members: IdentifierRow[];
  /** Every link among the members (a_id < b_id, so each once). */
  links: LinkRow[];
  /** Operators' splits that name any member. */
  separations: { id: string; left_ids: string[]; right_ids: string[] }[];
}

/**
 * Every identifier reachable from the seeds through any link, accepted or refused,
 * with the links among them and the splits that name them, in one statement.
 */
export async function readComponent(db: Db, workspaceId: string, seeds: string[]): Promise<Component> {
  const [answer] = await rows<{ members: [string, string, string, string, string][] | null; links: [string, string, string, string, string][] | null; separations: Component["separations"] | null }>(
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
        ),
        ids as (select array_agg(id) as all_ids from comp)
        select
          (select json_agg(json_build_array(i.id, i.type, i.value, i.profile_id, i.origin_profile_id))
           from comp cross join lateral (select * from identity_identifiers i where i.id = comp.id offset 0) i) as members,
          (select json_agg(json_build_array(l.a_id, l.b_id, l.message_id, l.ts, l.verdict))
           from comp cross join lateral (select * from identity_links l where l.workspace_id = ${workspaceId} and l.a_id = comp.id offset 0) l) as links,
          (select json_agg(json_build_object('id', s.id, 'left_ids', s.left_ids, 'right_ids', s.right_ids))
           from identity_separations s, ids where s.workspace_id = ${workspaceId} and (s.left_ids && ids.all_ids or s.right_ids && ids.all_ids)) as separations`,
  );
  return {
    members: (answer?.members ?? []).map(([id, type, value, profile_id, origin_profile_id]) => ({ id, type, value, profile_id, origin_profile_id })),
    links: (answer?.links ?? []).map(([a_id, b_id, message_id, ts, verdict]) => ({ a_id, b_id, message_id, ts, verdict })),
    separations: answer?.separations ?? [],
  };
}

export async function setProfiles(db: Db, workspaceId: string, changes: { id: string; profile_id: string }[]) {
  if (changes.length === 0) return;
  await db.execute(sql`
    update identity_identifiers i set profile_id = x.profile_id
    from jsonb_to_recordset(${JSON.stringify(changes)}::jsonb) as x(id uuid, profile_id uuid)
    where i.id = any(${toUuidArray(changes.map((c) => c.id))}::uuid[]) and i.id = x.id and i.workspace_id = ${workspaceId}`);
}

export async function setVerdicts(db: Db, workspaceId: string, verdicts: { a_id: string; b_id: string; verdict: string; reason: string | null }[]) {
  if (verdicts.length === 0) return;
  await db.execute(sql`
    update identity_links l set verdict = x.verdict, reason = x.reason
    from jsonb_to_recordset(${JSON.stringify(verdicts)}::jsonb) as x(a_id uuid, b_id uuid, verdict text, reason text)
    where l.workspace_id = ${workspaceId} and l.a_id = any(${toUuidArray(verdicts.map((v) => v.a_id))}::uuid[]) and l.a_id = x.a_id and l.b_id = x.b_id`);
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
