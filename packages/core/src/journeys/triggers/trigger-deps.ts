import type { Db } from "@siyu/storage";
import type { JourneyTrigger } from "@siyu/contracts";
import type { LiveJourneyTrigger } from "../live-journeys";

export type { LiveJourneyTrigger };

export type TriggerKind = JourneyTrigger["kind"];

/** One customer to enter into one journey; the engine's `startRuns` takes a list of these. */
export interface TriggerEntry {
  workspaceId: string;
  journeyId: string;
  profileId: string;
  /** Unique per journey: the same key never starts a second run. */
  entryKey: string;
  trigger: {
    kind: TriggerKind;
    event?: string;
    /** What fired it (segment, tier or stage change; the date trait's value …), for templates and conditions. */
    properties?: Record<string, unknown>;
    /** The profile event's seq, for sources read from profile_events. */
    seq?: number;
    triggeredAt: Date;
  };
}

/** The engine's entry point: starts runs for the entries in the caller's transaction (deduplicating by journey + entry key). */
export type StartRuns = (tx: Db, now: Date, entries: TriggerEntry[]) => Promise<unknown>;


/** The live journeys whose trigger is one of `kinds`, in a workspace (or every workspace when null). */
export type LiveJourneys = (tx: Db, workspaceId: string | null, kinds: readonly TriggerKind[]) => Promise<LiveJourneyTrigger[]>;

export interface TriggerDeps {
  start: StartRuns;
  liveJourneys: LiveJourneys;
  /** Rows read (profile events) or entries made per transaction; default 5,000. */
  batchSize?: number;
}
