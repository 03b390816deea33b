import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { eq } from "@siyu/storage/orm";
import type { Clock } from "../shared/clock";
import { rows } from "../shared/sql-rows";
import { advanceRun, VersionCache } from "./journey-engine";
import type { JourneyEffects } from "./journey-effects";
import { journeyRuns } from "./journeys.schema";

/**
 * Moves the runs whose timer is due: a wait ends ("next"), a wait-for-event times out ("timeout"), a
 * holdout run's goal window closes (completed). Rows are taken with FOR UPDATE SKIP LOCKED so several
 * workers share the work and never move one run twice; each run in a savepoint, so one failing run is
 * marked failed instead of blocking the rest. Returns how many runs it took.
 */
export async function runDueJourneyTimers(db: Db, clock: Clock, effects: JourneyEffects, limit = 500): Promise<number> {
  return db.transaction(async (tx) => {
    const now = clock.now();
    const due = await rows<{ id: string }>(
      tx,
      sql`select id from journey_runs where status = 'active' and due_at <= ${now.toISOString()}::timestamptz
          order by due_at limit ${limit} for update skip locked`,
    );
    const engine = { effects, cache: new VersionCache() };
    for (const { id } of due) {
      const [run] = await tx.select().from(journeyRuns).where(eq(journeyRuns.id, id));
      if (!run || run.status !== "active") continue;
      if (run.holdout) {
        await tx.update(journeyRuns).set({ status: "completed", endedAt: now, dueAt: null, updatedAt: now }).where(eq(journeyRuns.id, id));
        continue;
      }
      const handle = run.waitEvent !== null ? "timeout" : "next";
      try {
        await tx.transaction((sp) => advanceRun(sp, now, run, handle, engine));
      } catch (error) {
        await tx
          .update(journeyRuns)
          .set({ status: "failed", endedAt: now, dueAt: null, updatedAt: now, error: error instanceof Error ? error.message.slice(0, 500) : String(error) })
          .where(eq(journeyRuns.id, id));
      }
    }
    return due.length;
  });
}
