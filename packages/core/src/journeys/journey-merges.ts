// Runs follow merges. When OneID merges customer B into A, B's journey state becomes A's: B's runs
// (waiting, ended, still counting a goal), their store tasks and B's trigger counts. A's events then
// wake B's waits, A's conversions count for B's goals, and later steps message, reward and tag A.
// No customer is ever inside one journey twice: B's active run exits when A is already inside (or
// when another run, moved first in the same merge, took the place).
import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { resolveLiveProfiles } from "../profiles";
import { rows } from "../shared/sql-rows";
import type { JourneyRunRow } from "./journey-engine-context";
import { journeyRuns } from "./journeys.schema";

const uuids = (ids: Iterable<string>) => `{${[...ids].join(",")}}`;

/**
 * Called in the transaction that merged `mergedIds` (profiles of one workspace, each now pointing
 * at another) — the profile projector's, through its `onMerged` hook. Follows each to the end of
 * its chain and moves B's journey state to that survivor, set-based.
 */
export async function followMerges(tx: Db, now: Date, workspaceId: string, mergedIds: readonly string[]): Promise<void> {
  const survivorOf = await survivors(tx, workspaceId, mergedIds);
  if (survivorOf.size === 0) return;
  // Locked, oldest entry first: of several merged profiles' runs in one journey, the oldest keeps the place.
  const runs = await rows<{ id: string; journey_id: string; profile_id: string; status: string }>(
    tx,
    sql`select id, journey_id, profile_id, status from journey_runs
        where workspace_id = ${workspaceId}::uuid and profile_id = any(${uuids(survivorOf.keys())}::uuid[])
        order by entered_at, id for update`,
  );
  await rehomeRuns(
    tx,
    now,
    runs.map((r) => ({ id: r.id, journeyId: r.journey_id, profileId: r.profile_id, status: r.status })),
    survivorOf,
  );
  // Matching events counted towards a trigger's `count` are the survivor's now (summed per day).
  const moves = JSON.stringify([...survivorOf].map(([from, to]) => ({ from_id: from, to_id: to })));
  const ofWorkspace = sql`journey_id in (select id from journeys where workspace_id = ${workspaceId}::uuid)`;
  await tx.execute(sql`insert into journey_trigger_counts (journey_id, profile_id, day, count)
      select c.journey_id, m.to_id, c.day, sum(c.count)::int
      from journey_trigger_counts c join jsonb_to_recordset(${moves}::jsonb) as m(from_id uuid, to_id uuid) on c.profile_id = m.from_id
      where ${ofWorkspace}
      group by c.journey_id, m.to_id, c.day
      on conflict (journey_id, profile_id, day) do update set count = journey_trigger_counts.count + excluded.count`);
  await tx.execute(sql`delete from journey_trigger_counts where ${ofWorkspace} and profile_id = any(${uuids(survivorOf.keys())}::uuid[])`);
}

/**
 * The runs of a batch about to move (locked by the caller) whose customer was merged without the
 * merge being followed yet (a merge from before runs followed merges, or one made outside the
 * projector): re-homed like `followMerges` does, in batch order. Returns the runs as they are now,
 * in input order; one that had to exit is no longer active.
 */
export async function rehomeMergedRuns(tx: Db, now: Date, runs: readonly JourneyRunRow[]): Promise<JourneyRunRow[]> {
  if (runs.length === 0) return [...runs];
  const merged = await mergedAway(tx, runs.map((r) => r.profileId));
  if (merged.length === 0) return [...runs];
  const byWorkspace = new Map<string, string[]>();
  for (const m of merged) byWorkspace.set(m.workspace_id, [...(byWorkspace.get(m.workspace_id) ?? []), m.id]);
  const survivorOf = new Map<string, string>();
  for (const [workspaceId, ids] of byWorkspace) for (const [from, to] of await survivors(tx, workspaceId, ids)) survivorOf.set(from, to);
  await rehomeRuns(tx, now, runs, survivorOf);
  const moved = runs.filter((r) => survivorOf.has(r.profileId)).map((r) => r.id);
  if (moved.length === 0) return [...runs];
  const current = new Map((await tx.select().from(journeyRuns).where(sql`${journeyRuns.id} = any(${uuids(moved)}::uuid[])`)).map((r) => [r.id, r]));
  return runs.map((r) => current.get(r.id) ?? r);
}

/** Those of these profiles that were merged into another, with their workspace. */
export async function mergedAway(tx: Db, profileIds: readonly string[]): Promise<{ id: string; workspace_id: string }[]> {
  if (profileIds.length === 0) return [];
  return rows<{ id: string; workspace_id: string }>(tx, sql`select id, workspace_id from profiles where id = any(${uuids(new Set(profileIds))}::uuid[]) and merged_into is not null`);
}

/** Each merged-away profile with the live profile at the end of its chain (ids already live are left out). */
async function survivors(tx: Db, workspaceId: string, ids: readonly string[]): Promise<Map<string, string>> {
  const live = await resolveLiveProfiles(tx, workspaceId, ids);
  return new Map([...live].filter(([from, to]) => from !== to));
}

type RunToRehome = Pick<JourneyRunRow, "id" | "journeyId" | "profileId" | "status">;

/**
 * Points `runs` (locked, in the order they claim a place) of merged-away customers at their survivor,
 * with their store tasks. An active run whose survivor is already inside the journey exits instead,
 * saying so; it still moves, so the survivor's history has it.
 */
async function rehomeRuns(tx: Db, now: Date, runs: readonly RunToRehome[], survivorOf: ReadonlyMap<string, string>): Promise<void> {
  const moving = runs.filter((r) => survivorOf.has(r.profileId));
  if (moving.length === 0) return;
  // Who is inside each (journey, survivor) now: the survivors' own active runs.
  const inside = new Map<string, string>();
  const active = moving.filter((r) => r.status === "active");
  if (active.length > 0) {
    const held = await rows<{ id: string; journey_id: string; profile_id: string }>(
      tx,
      sql`select id, journey_id, profile_id from journey_runs where status = 'active'
          and journey_id = any(${uuids(new Set(active.map((r) => r.journeyId)))}::uuid[])
          and profile_id = any(${uuids(new Set(active.map((r) => survivorOf.get(r.profileId)!)))}::uuid[])`,
    );
    for (const h of held) inside.set(`${h.journey_id} ${h.profile_id}`, h.id);
  }
  const moves = moving.map((r) => {
    const to = survivorOf.get(r.profileId)!;
    if (r.status !== "active") return { id: r.id, profile_id: to, error: null };
    const place = `${r.journeyId} ${to}`;
    const holder = inside.get(place);
    if (holder === undefined) {
      inside.set(place, r.id);
      return { id: r.id, profile_id: to, error: null };
    }
    return { id: r.id, profile_id: to, error: `The customer was merged into ${to}, who was already in this journey (run ${holder}).` };
  });
  const at = now.toISOString();
  const values = JSON.stringify(moves);
  await tx.execute(sql`update journey_runs r set profile_id = v.profile_id,
        status = case when v.error is null then r.status else 'exited' end,
        ended_at = case when v.error is null then r.ended_at else ${at}::timestamptz end,
        due_at = case when v.error is null then r.due_at end,
        wait_event = case when v.error is null then r.wait_event end,
        wait_where = case when v.error is null then r.wait_where end,
        error = coalesce(v.error, r.error), updated_at = ${at}::timestamptz
      from jsonb_to_recordset(${values}::jsonb) as v(id uuid, profile_id uuid, error text)
      where r.id = v.id`);
  await tx.execute(sql`update journey_store_tasks t set profile_id = v.profile_id
      from jsonb_to_recordset(${values}::jsonb) as v(id uuid, profile_id uuid) where t.run_id = v.id`);
}
