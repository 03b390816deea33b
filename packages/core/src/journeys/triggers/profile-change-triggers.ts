import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { JourneyTrigger } from "@siyu/contracts";
import type { ProfileEventKind } from "../../profile-events";
import type { Clock } from "../../shared/clock";
import { rows } from "../../shared/sql-rows";
import type { LiveJourneyTrigger, TriggerDeps, TriggerEntry, TriggerKind } from "./trigger-deps";

/**
 * The trigger sources fed by what Siyu itself changes on a customer: the segments refresh appends
 * segment.entered / segment.exited (by difference, per refresh), the tiers job loyalty_tier.changed,
 * the scores job lifecycle.changed — each to profile_events in the transaction of the change.
 * A source reads them in seq order like an event-log consumer: its offset (in
 * events_consumer_offsets) moves in the transaction that starts the runs, so each change enters
 * its journeys exactly once, and a journey published later is not fed old changes (neither those
 * before the source's position nor those read after the publish but made before it). A source's
 * first run starts at the end of the log: an upgrade does not replay history into journeys.
 */
interface ProfileChange {
  seq: number;
  workspace_id: string;
  profile_id: string;
  kind: ProfileEventKind;
  payload: Record<string, unknown>;
  at: string | Date;
}

interface ChangeSource {
  consumer: string;
  eventKinds: readonly ProfileEventKind[];
  triggerKinds: readonly TriggerKind[];
  /** The journey's trigger kind this change fires, when the trigger's terms match it. */
  fires(trigger: JourneyTrigger, change: ProfileChange): TriggerKind | null;
}

const text = (v: unknown) => (typeof v === "string" ? v : null);

export const SEGMENT_TRIGGERS_CONSUMER = "journeys.triggers.segments";
export const TIER_TRIGGERS_CONSUMER = "journeys.triggers.tiers";
export const LIFECYCLE_TRIGGERS_CONSUMER = "journeys.triggers.lifecycle";

const segmentSource: ChangeSource = {
  consumer: SEGMENT_TRIGGERS_CONSUMER,
  eventKinds: ["segment.entered", "segment.exited"],
  triggerKinds: ["segment_entered", "segment_exited"],
  fires(trigger, change) {
    const segmentId = text(change.payload.segmentId);
    if (trigger.kind === "segment_entered" && change.kind === "segment.entered" && trigger.segmentId === segmentId) return trigger.kind;
    if (trigger.kind === "segment_exited" && change.kind === "segment.exited" && trigger.segmentId === segmentId) return trigger.kind;
    return null;
  },
};

/** Up: an upgrade (or the first level given); down: a downgrade or the inactivity rule's drop. */
export function tierDirection(payload: Record<string, unknown>): "up" | "down" {
  return payload.reason === "downgrade" || payload.reason === "inactivity" ? "down" : "up";
}

const tierSource: ChangeSource = {
  consumer: TIER_TRIGGERS_CONSUMER,
  eventKinds: ["loyalty_tier.changed"],
  triggerKinds: ["tier_changed"],
  fires(trigger, change) {
    if (trigger.kind !== "tier_changed") return null;
    if (trigger.direction !== "any" && trigger.direction !== tierDirection(change.payload)) return null;
    if (trigger.to !== null && trigger.to !== text(change.payload.to)) return null;
    return trigger.kind;
  },
};

const lifecycleSource: ChangeSource = {
  consumer: LIFECYCLE_TRIGGERS_CONSUMER,
  eventKinds: ["lifecycle.changed"],
  triggerKinds: ["lifecycle_changed"],
  fires(trigger, change) {
    if (trigger.kind !== "lifecycle_changed") return null;
    if (trigger.to !== null && trigger.to !== text(change.payload.to)) return null;
    return trigger.kind;
  },
};

async function runChangeSource(db: Db, clock: Clock, deps: TriggerDeps, source: ChangeSource): Promise<number> {
  const limit = deps.batchSize ?? 5000;
  let made = 0;
  for (;;) {
    const result = await db.transaction(async (tx) => {
      // A source's first run starts at the log's end: changes from before it existed enter nothing.
      await tx.execute(sql`
        insert into events_consumer_offsets (consumer, position, updated_at)
        select ${source.consumer}, coalesce(max(seq), 0), now() from profile_events
        on conflict (consumer) do nothing`);
      // The row lock keeps two workers from running the same source at once.
      const [offset] = await rows<{ position: string | number }>(tx, sql`select position from events_consumer_offsets where consumer = ${source.consumer} for update`);
      const position = Number(offset?.position ?? 0);
      const [window] = await rows<{ last: string | number | null }>(
        tx,
        sql`select max(seq) as last from (select seq from profile_events where seq > ${position} order by seq limit ${limit}) w`,
      );
      if (window?.last === null || window?.last === undefined) return null;
      const last = Number(window.last);
      const changes = await rows<ProfileChange>(
        tx,
        sql`select seq, workspace_id, profile_id, kind, payload, at from profile_events
            where seq > ${position} and seq <= ${last} and kind = any(${`{${source.eventKinds.join(",")}}`}::text[]) order by seq`,
      );
      const journeysOf = new Map<string, LiveJourneyTrigger[]>();
      const entries: TriggerEntry[] = [];
      for (const change of changes) {
        let journeys = journeysOf.get(change.workspace_id);
        if (!journeys) journeysOf.set(change.workspace_id, (journeys = await deps.liveJourneys(tx, change.workspace_id, source.triggerKinds)));
        for (const journey of journeys) {
          // A change from before the journey went live (read late: the source runs every 30 s) enters nothing.
          if (journey.liveSince && new Date(change.at).getTime() < journey.liveSince.getTime()) continue;
          const kind = source.fires(journey.trigger, change);
          if (!kind) continue;
          const seq = Number(change.seq);
          entries.push({
            workspaceId: change.workspace_id,
            journeyId: journey.journeyId,
            profileId: change.profile_id,
            entryKey: `${kind}:${seq}:${change.profile_id}`,
            trigger: { kind, properties: change.payload, seq, triggeredAt: new Date(change.at) },
          });
        }
      }
      if (entries.length > 0) await deps.start(tx, clock.now(), entries);
      await tx.execute(sql`update events_consumer_offsets set position = ${last}, updated_at = now() where consumer = ${source.consumer}`);
      return entries.length;
    });
    if (result === null) return made;
    made += result;
  }
}

/** segment_entered / segment_exited: the members each segment refresh added or removed. Returns the entries made. */
export function runSegmentTriggers(db: Db, clock: Clock, deps: TriggerDeps): Promise<number> {
  return runChangeSource(db, clock, deps, segmentSource);
}

/** tier_changed: loyalty tier changes, by direction (up / down / any) and target level. Returns the entries made. */
export function runTierTriggers(db: Db, clock: Clock, deps: TriggerDeps): Promise<number> {
  return runChangeSource(db, clock, deps, tierSource);
}

/** lifecycle_changed: lifecycle stage changes from the scores job, by target stage. Returns the entries made. */
export function runLifecycleTriggers(db: Db, clock: Clock, deps: TriggerDeps): Promise<number> {
  return runChangeSource(db, clock, deps, lifecycleSource);
}
