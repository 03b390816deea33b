import { and, desc, eq, gte, sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { appendProfileEvents, type NewProfileEvent } from "../profile-events";
import type { ComputedScore } from "./scores.warehouse";
import { profileScores, scoresRuns } from "./scores.schema";

const CHUNK = 5_000;
// One recompute of a workspace at a time, on a PostgreSQL server as on PGlite: the diff against
// the previous rows must see the rows the previous run wrote.
const SCORES_LOCK = 7_301_003;

export interface TransitionCount {
  from: string | null;
  to: string | null;
  count: number;
}

export interface ReplaceResult {
  /** False on the workspace's first run: it sets the baseline and emits no change events. */
  emitted: boolean;
  lifecycle: TransitionCount[];
  rfm: number;
  valueTier: number;
}

interface PreviousRow {
  profile_id: string;
  rfm_cell: string | null;
  lifecycle_stage: string | null;
  value_tier: string | null;
}

/**
 * Replaces the workspace's PostgreSQL copy of the scores and appends a change event for every
 * live profile whose cell, stage or tier differs from its previous row, in the caller's transaction.
 */
export async function replaceProfileScores(
  tx: Db,
  workspaceId: string,
  at: Date,
  rows: readonly ComputedScore[],
): Promise<ReplaceResult> {
  await tx.execute(sql`select pg_advisory_xact_lock(${SCORES_LOCK}, hashtext(${workspaceId}))`);
  const [hadRun] = await tx.select({ id: scoresRuns.id }).from(scoresRuns).where(eq(scoresRuns.workspaceId, workspaceId)).limit(1);
  const previous = (await tx.execute(sql`
    select profile_id, rfm_cell, lifecycle_stage, value_tier from profile_scores where workspace_id = ${workspaceId}::uuid`)) as unknown as {
    rows: PreviousRow[];
  };
  const before = new Map(previous.rows.map((r) => [r.profile_id, r]));

  const events: NewProfileEvent[] = [];
  const lifecycle = new Map<string, TransitionCount>();
  let rfm = 0;
  let valueTier = 0;
  for (const row of rows) {
    const old = before.get(row.profileId);
    const change = (kind: NewProfileEvent["kind"], from: string | null, to: string | null) =>
      events.push({ workspaceId, profileId: row.profileId, kind, payload: { from, to } });
    const oldStage = old?.lifecycle_stage ?? null;
    if (oldStage !== row.lifecycleStage) {
      change("lifecycle.changed", oldStage, row.lifecycleStage);
      const key = `${oldStage}>${row.lifecycleStage}`;
      const entry = lifecycle.get(key) ?? { from: oldStage, to: row.lifecycleStage, count: 0 };
      entry.count += 1;
      lifecycle.set(key, entry);
    }
    const oldCell = old?.rfm_cell ?? null;
    if (oldCell !== row.cell) {
      change("rfm.changed", oldCell, row.cell);
      rfm += 1;
    }
    // A profile seen for the first time starts at "none": only reaching a tier is news.
    const oldTier = old?.value_tier ?? "none";
    if (oldTier !== row.valueTier) {
      change("value_tier.changed", oldTier, row.valueTier);
      valueTier += 1;
    }
  }

  await tx.delete(profileScores).where(eq(profileScores.workspaceId, workspaceId));
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK).map((r) => ({
      profile_id: r.profileId,
      rfm_r: r.r,
      rfm_f: r.f,
      rfm_m: r.m,
      recency_days: r.recencyDays,
      frequency: r.frequency,
      monetary: r.monetary,
      rfm_cell: r.cell,
      rfm_layer: r.layer,
      lifecycle_stage: r.lifecycleStage,
      value_tier: r.valueTier,
      spend_minor: r.spendMinor,
    }));
    await tx.execute(sql`
      insert into profile_scores (workspace_id, profile_id, rfm_r, rfm_f, rfm_m, recency_days, frequency, monetary,
                                  rfm_cell, rfm_layer, lifecycle_stage, value_tier, spend_minor, computed_at)
      select ${workspaceId}::uuid, x.profile_id, x.rfm_r, x.rfm_f, x.rfm_m, x.recency_days, x.frequency, x.monetary,
             x.rfm_cell, x.rfm_layer, x.lifecycle_stage, x.value_tier, x.spend_minor, ${at.toISOString()}::timestamptz
      from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb)
        as x(profile_id uuid, rfm_r smallint, rfm_f smallint, rfm_m smallint, recency_days integer, frequency integer,
             monetary double precision, rfm_cell text, rfm_layer text, lifecycle_stage text, value_tier text, spend_minor double precision)`);
  }

  const emitted = hadRun !== undefined;
  if (emitted) await appendProfileEvents(tx, at, events);
  return { emitted, lifecycle: [...lifecycle.values()], rfm, valueTier };
}

export async function readProfileScores(db: Db, workspaceId: string, profileId: string) {
  const [row] = await db
    .select()
    .from(profileScores)
    .where(and(eq(profileScores.workspaceId, workspaceId), eq(profileScores.profileId, profileId)));
  return row ?? null;
}

export async function latestRuns(db: Db, workspaceId: string, since?: Date, limit = 60) {
  return db
    .select()
    .from(scoresRuns)
    .where(since ? and(eq(scoresRuns.workspaceId, workspaceId), gte(scoresRuns.computedAt, since)) : eq(scoresRuns.workspaceId, workspaceId))
    .orderBy(desc(scoresRuns.computedAt))
    .limit(limit);
}

/** Counts and sums over the workspace's current scores, grouped by the given columns. */
export async function groupScores<T>(db: Db, workspaceId: string, select: ReturnType<typeof sql>, groupBy: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await db.execute(sql`
    select ${select} from profile_scores where workspace_id = ${workspaceId}::uuid group by ${groupBy}`)) as unknown as { rows: T[] };
  return result.rows;
}
