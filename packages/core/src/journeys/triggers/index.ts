export type { LiveJourneys, LiveJourneyTrigger, StartRuns, TriggerDeps, TriggerEntry, TriggerKind } from "./trigger-deps";
export {
  runSegmentTriggers,
  runTierTriggers,
  runLifecycleTriggers,
  tierDirection,
  SEGMENT_TRIGGERS_CONSUMER,
  TIER_TRIGGERS_CONSUMER,
  LIFECYCLE_TRIGGERS_CONSUMER,
} from "./profile-change-triggers";
export { runDateTraitTriggers, runScheduleTriggers, dueDates, dayReached } from "./clock-triggers";
export { journeyTriggerFires } from "./triggers.schema";
export { createJourneyTriggerJobs, type JourneyTriggerJobs } from "./trigger-jobs";
