// Starting runs: entries are checked against the live version's audience, entry rule and holdout in
// memory, inserted in one statement (a key or an active run another transaction took first is
// skipped), then the new runs are advanced together inside the caller's transaction.
import { inArray, sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { newId } from "../shared/ids";
import { rows } from "../shared/sql-rows";
import { advanceRuns, insertRuns, RunsNotNew, type RunToMove } from "./journey-advance";
import type { EngineContext, JourneyRunRow } from "./journey-engine-context";
import { inHoldout } from "./journey-rules";
import { journeys } from "./journeys.schema";

export interface JourneyEntry {
  workspaceId: string;
  journeyId: string;
  profileId: string;
  /** Unique per journey: the same key enters once (e.g. `event:<seq>`, `api:<idempotencyKey>`). */
  entryKey: string;
  trigger: { kind: string; event?: string | null; properties?: Record<string, unknown>; seq?: number | null; triggeredAt: Date };
}

export interface StartRunsResult {
  /** The runs created (holdout ones included). */
  started: string[];
  /** Entries refused: not live, outside the audience, the entry rule, or a key already used. */
  skipped: number;
}

/**
 * Enters customers into journeys: the live version of a live journey, the audience rule, the entry
 * rule (once / every time but not while inside / after a cooldown), the holdout; then advances the
 * new runs as far as they go now, together. Idempotent per (journey, entryKey).
 */
export async function startRuns(tx: Db, now: Date, entries: readonly JourneyEntry[], engine: EngineContext): Promise<StartRunsResult> {
  const result: StartRunsResult = { started: [], skipped: 0 };
  if (entries.length === 0) return result;
  const journeyIds = [...new Set(entries.map((e) => e.journeyId))];
  const live = await tx
    .select({ id: journeys.id, workspaceId: journeys.workspaceId, status: journeys.status, liveVersion: journeys.liveVersion })
    .from(journeys)
    .where(inArray(journeys.id, journeyIds));
  const byJourney = new Map<string, JourneyEntry[]>();
  for (const e of entries) byJourney.set(e.journeyId, [...(byJourney.get(e.journeyId) ?? []), e]);
  // The rows to insert, decided in memory in entry order as if each earlier one had been inserted.
  const candidates: JourneyRunRow[] = [];
  for (const [journeyId, list] of byJourney) {
    const j = live.find((x) => x.id === journeyId);
    const mine = list.filter((e) => j && e.workspaceId === j.workspaceId);
    if (!j || j.status !== "live" || j.liveVersion === null || mine.length === 0) {
      result.skipped += list.length;
      continue;
    }
    result.skipped += list.length - mine.length;
    const v = await engine.cache.get(tx, journeyId, j.liveVersion);
    if (!v) {
      result.skipped += mine.length;
      continue;
    }
    const profileIds = [...new Set(mine.map((e) => e.profileId))];
    const audience = v.settings.audience ? await engine.effects.matchRule(tx, v.workspaceId, v.settings.audience, profileIds, now) : null;
    const history = new Map(
      (
        await rows<{ profile_id: string; active: boolean; last: string | Date }>(
          tx,
          // Each customer's runs by (workspace, profile): by journey and profile, the only index was
          // (journey, status), i.e. every run the journey ever had, read on every batch it starts.
          sql`select l.id as profile_id, bool_or(r.status = 'active') as active, max(r.entered_at) as last
              from unnest(${`{${profileIds.join(",")}}`}::uuid[]) as l(id)
              cross join lateral (select status, entered_at from journey_runs
                where workspace_id = ${v.workspaceId}::uuid and profile_id = l.id and journey_id = ${journeyId}::uuid offset 0) r
              group by l.id`,
        )
      ).map((r) => [r.profile_id, { active: r.active, last: new Date(r.last) }]),
    );
    // Keys already used enter nothing (and must not count as an entry for the rules below). One probe
    // of the unique (journey, entry key) index per key, whatever the table's statistics say: with
    // `entry_key = any(…)` a planner that has not analysed the table yet reads every run of the journey.
    const usedKeys = new Set(
      (
        await rows<{ entry_key: string }>(
          tx,
          sql`select k.key as entry_key from jsonb_array_elements_text(${JSON.stringify([...new Set(mine.map((e) => e.entryKey))])}::jsonb) as k(key)
              cross join lateral (select 1 from journey_runs r where r.journey_id = ${journeyId}::uuid and r.entry_key = k.key limit 1) used`,
        )
      ).map((r) => r.entry_key),
    );
    for (const e of mine) {
      if ((audience && !audience.has(e.profileId)) || usedKeys.has(e.entryKey)) {
        result.skipped += 1;
        continue;
      }
      const h = history.get(e.profileId);
      const entry = v.settings.entry;
      const refused = h && (h.active || entry.mode === "once" || (entry.mode === "cooldown" && now.getTime() - h.last.getTime() < entry.hours * 3_600_000));
      if (refused) {
        result.skipped += 1;
        continue;
      }
      const holdout = inHoldout(journeyId, e.profileId, v.settings.holdoutPercent);
      const goalUntil = v.settings.goal ? new Date(now.getTime() + v.settings.goal.withinHours * 3_600_000) : null;
      // A holdout run executes nothing but stays until its goal window closes, to count conversions.
      const status = holdout && !goalUntil ? "completed" : "active";
      candidates.push({
        id: newId(),
        workspaceId: e.workspaceId,
        journeyId,
        version: v.version,
        profileId: e.profileId,
        status,
        holdout,
        currentNodeId: holdout ? null : v.triggerId,
        stepCount: 0,
        entryKey: e.entryKey,
        enteredAt: now,
        endedAt: holdout && !goalUntil ? now : null,
        triggerKind: e.trigger.kind,
        triggerEvent: e.trigger.event ?? null,
        triggerProperties: e.trigger.properties ?? {},
        triggerSeq: e.trigger.seq ?? null,
        triggeredAt: e.trigger.triggeredAt,
        context: {},
        dueAt: holdout ? goalUntil : null,
        waitEvent: null,
        waitWhere: null,
        goalUntil,
        goalReachedAt: null,
        goalRevenueMinor: null,
        error: null,
        updatedAt: now,
      });
      usedKeys.add(e.entryKey);
      history.set(e.profileId, { active: status === "active", last: now });
    }
  }
  // Holdout runs execute nothing: inserted as they are; one another transaction took first is skipped.
  const holdouts = candidates.filter((r) => r.holdout);
  const inserted = await insertRuns(tx, now, holdouts);
  // The others are walked first and inserted once, as they end up (one row version, no update),
  // inside a savepoint: when another transaction took a key or a customer's place meanwhile, or a
  // customer was merged away, it is rolled back and they are inserted, skipped and moved one by one.
  const moving = candidates.filter((r) => !r.holdout);
  const walkedFirst = moving.length > 0 && (await walkAndInsert(tx, now, moving, engine));
  if (walkedFirst) for (const r of moving) inserted.add(r.id);
  else for (const id of await insertRuns(tx, now, moving)) inserted.add(id);
  const toMove: RunToMove[] = [];
  for (const run of candidates) {
    if (!inserted.has(run.id)) {
      result.skipped += 1;
      continue;
    }
    result.started.push(run.id);
    if (!run.holdout && !walkedFirst) toMove.push({ run, resume: null });
  }
  await advanceRuns(tx, now, toMove, engine);
  return result;
}

/** New runs walked and inserted once inside a savepoint; false (and nothing written) when some were not new. */
async function walkAndInsert(tx: Db, now: Date, runs: readonly JourneyRunRow[], engine: EngineContext): Promise<boolean> {
  try {
    await tx.transaction((sp) => advanceRuns(sp, now, runs.map((run) => ({ run, resume: null })), engine, "insert"));
    return true;
  } catch (error) {
    if (error instanceof RunsNotNew) return false;
    throw error;
  }
}
