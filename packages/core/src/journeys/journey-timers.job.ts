import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { Clock } from "../shared/clock";
import { JOURNEY_TRIGGERS_CONSUMER } from "./consumers/journey-triggers.consumer";
import { advanceRuns, type RunToMove } from "./journey-advance";
import { VersionCache } from "./journey-engine-context";
import type { JourneyEffects } from "./journey-effects";
import { journeyRuns } from "./journeys.schema";

/**
 * Moves the runs whose timer is due: a wait ends ("next"), a wait-for-event times out ("timeout"), a
 * holdout run's goal window closes (completed) — a wait-for-event only once the triggers consumer has
 * read every event received before its timeout (see `unreadSince`). The rows are taken whole with FOR UPDATE SKIP LOCKED
 * so several workers share the work and never move one run twice; holdouts complete in one update,
 * the rest move together with `advanceRuns` in one savepoint. Should that throw, each run is moved
 * again in its own savepoint, so one failing run is marked failed instead of blocking the rest.
 * Returns how many runs it took.
 */
/**
 * When the first event the triggers consumer has not read yet was received ('infinity' when it has
 * read them all). A wait for an event times out only before that: an order received inside the
 * wait, still in the log behind a busy consumer, must take the "event" branch, not the timeout.
 */
const unreadSince = sql`coalesce((select l.received_at from events_log l
    where l.seq > coalesce((select position from events_consumer_offsets where consumer = ${JOURNEY_TRIGGERS_CONSUMER}), 0)
    order by l.seq limit 1), 'infinity'::timestamptz)`;

export async function runDueJourneyTimers(db: Db, clock: Clock, effects: JourneyEffects, limit = 500): Promise<number> {
  return db.transaction(async (tx) => {
    const now = clock.now();
    const due = await tx
      .select()
      .from(journeyRuns)
      .where(
        sql`${journeyRuns.status} = 'active' and ${journeyRuns.dueAt} <= ${now.toISOString()}::timestamptz
            and (${journeyRuns.waitEvent} is null or ${journeyRuns.dueAt} < ${unreadSince})`,
      )
      .orderBy(journeyRuns.dueAt)
      .limit(limit)
      .for("update", { skipLocked: true });
    const holdouts = due.filter((r) => r.holdout).map((r) => r.id);
    if (holdouts.length > 0) {
      await tx.execute(sql`update journey_runs set status = 'completed', ended_at = ${now.toISOString()}::timestamptz, due_at = null, updated_at = ${now.toISOString()}::timestamptz
          where id = any(${`{${holdouts.join(",")}}`}::uuid[])`);
    }
    const items: RunToMove[] = due.filter((r) => !r.holdout).map((run) => ({ run, resume: run.waitEvent !== null ? "timeout" : "next" }));
    if (items.length === 0) return due.length;
    const engine = { effects, cache: new VersionCache() };
    try {
      await tx.transaction((sp) => advanceRuns(sp, now, items, engine));
    } catch {
      // Something in the batch threw (rolled back to the savepoint): one run at a time, to find it.
      for (const item of items) {
        try {
          await tx.transaction((sp) => advanceRuns(sp, now, [item], engine));
        } catch (error) {
          await tx.execute(sql`update journey_runs set status = 'failed', ended_at = ${now.toISOString()}::timestamptz, due_at = null, updated_at = ${now.toISOString()}::timestamptz,
              error = ${error instanceof Error ? error.message.slice(0, 500) : String(error)} where id = ${item.run.id}::uuid`);
        }
      }
    }
    return due.length;
  });
}
