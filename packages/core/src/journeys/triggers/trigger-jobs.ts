import type { Db } from "@siyu/storage";
import type { Clock } from "../../shared/clock";
import { runDateTraitTriggers, runScheduleTriggers } from "./clock-triggers";
import { runLifecycleTriggers, runSegmentTriggers, runTierTriggers } from "./profile-change-triggers";
import type { TriggerDeps } from "./trigger-deps";

/**
 * The trigger sources bound to the engine, one method per scheduled job (each returns the entries
 * it made). Wire once the engine exists: `createJourneyTriggerJobs({ db, clock, start: engine.startRuns,
 * liveJourneys: engine.liveJourneys })`.
 */
export function createJourneyTriggerJobs(deps: { db: Db; clock: Clock } & TriggerDeps) {
  const { db, clock } = deps;
  return {
    segments: () => runSegmentTriggers(db, clock, deps),
    tiers: () => runTierTriggers(db, clock, deps),
    lifecycle: () => runLifecycleTriggers(db, clock, deps),
    dateTraits: () => runDateTraitTriggers(db, clock, deps),
    schedules: () => runScheduleTriggers(db, clock, deps),
  };
}
export type JourneyTriggerJobs = ReturnType<typeof createJourneyTriggerJobs>;
