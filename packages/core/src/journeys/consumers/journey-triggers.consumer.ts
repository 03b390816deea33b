import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { JourneyTrigger, PropertyFilter } from "@siyu/contracts";
import { consumeEventBatch, consumerPosition, type LoggedEvent } from "../../events";
import { ownersOf } from "../../loyalty";
import { ORDER_COMPLETED, parseOrderCompleted, PROFILE_PROJECTOR } from "../../profiles";
import type { Clock } from "../../shared/clock";
import { rows } from "../../shared/sql-rows";
import { advanceRun, lockRun } from "../journey-advance";
import { VersionCache, type EngineContext } from "../journey-engine-context";
import { startRuns, type JourneyEntry } from "../journey-start";
import type { JourneyEffects } from "../journey-effects";
import { filtersMatch } from "../journey-rules";
import { liveJourneys } from "../live-journeys";

export const JOURNEY_TRIGGERS_CONSUMER = "journeys.triggers";

/**
 * Journeys over the event log, exactly once (the offset commits with the runs' effects), behind the
 * profile projector so every event has its owner: per event, waits for the event wake their runs
 * (leaving by "event"), goals reached end the runs still going, and live journeys triggered by it
 * start runs.
 */
export async function runJourneyTriggersBatch(db: Db, clock: Clock, effects: JourneyEffects, limit = 1000): Promise<number> {
  return consumeEventBatch(db, JOURNEY_TRIGGERS_CONSUMER, limit, (tx, events) => handleJourneyEvents(tx, events, clock.now(), { effects, cache: new VersionCache() }), {
    upTo: (tx) => consumerPosition(tx, PROFILE_PROJECTOR),
  });
}

interface LiveJourney {
  id: string;
  trigger: Extract<JourneyTrigger, { kind: "event" }>;
  /** Since when this trigger has been live (see liveJourneys). */
  liveSince: Date | null;
}

interface RunState {
  id: string;
  journey_id: string;
  version: number;
  profile_id: string;
  status: string;
  wait_event: string | null;
  wait_where: PropertyFilter[] | null;
  entered_at: string | Date;
  goal_until: string | Date | null;
  goal_reached_at: string | Date | null;
}

function propertiesOf(e: LoggedEvent): Record<string, unknown> {
  const p = e.payload.properties;
  return typeof p === "object" && p !== null && !Array.isArray(p) ? (p as Record<string, unknown>) : {};
}

export async function handleJourneyEvents(tx: Db, events: readonly LoggedEvent[], now: Date, engine: EngineContext): Promise<void> {
  const relevant = events.filter((e) => e.event);
  if (relevant.length === 0) return;
  const workspaceIds = [...new Set(relevant.map((e) => e.workspaceId))];
  const earliest = new Date(Math.min(...relevant.map((e) => e.ts.getTime())));
  // Live event-triggered journeys, once per batch.
  const live = new Map<string, LiveJourney[]>();
  for (const j of await liveJourneys(tx, workspaceIds, ["event"])) {
    if (j.trigger.kind !== "event") continue;
    live.set(j.workspaceId, [...(live.get(j.workspaceId) ?? []), { id: j.journeyId, trigger: j.trigger, liveSince: j.liveSince ?? null }]);
  }
  // Nothing to start and no run waiting for an event or counting a goal: the batch only moves the offset.
  if (live.size === 0) {
    const [pending] = await rows<{ one: number }>(
      tx,
      sql`select 1 as one from journey_runs where workspace_id = any(${`{${workspaceIds.join(",")}}`}::uuid[])
            and ((status = 'active' and wait_event is not null) or (goal_until is not null and goal_reached_at is null and goal_until >= ${earliest.toISOString()}::timestamptz))
          limit 1`,
    );
    if (!pending) return;
  }
  const owners = await ownersOf(tx, relevant.map((e) => e.seq));
  // Runs of the batch's customers that wait for an event or count a goal: one query.
  const profileIds = [...new Set([...owners.values()].map((o) => o.profileId))];
  const runsOf = new Map<string, RunState[]>();
  const loadRuns = async (ids: string[]) => {
    if (ids.length === 0) return;
    for (const id of ids) runsOf.set(id, []);
    const found = await rows<RunState>(
      tx,
      sql`select id, journey_id, version, profile_id, status, wait_event, wait_where, entered_at, goal_until, goal_reached_at from journey_runs
          where workspace_id = any(${`{${workspaceIds.join(",")}}`}::uuid[]) and profile_id = any(${`{${ids.join(",")}}`}::uuid[])
            and ((status = 'active' and wait_event is not null) or (goal_until is not null and goal_reached_at is null and goal_until >= ${earliest.toISOString()}::timestamptz))`,
    );
    for (const r of found) runsOf.get(r.profile_id)!.push(r);
  };
  await loadRuns(profileIds);
  const currencies = new Map<string, string>();
  const currencyOf = async (ws: string) => {
    let c = currencies.get(ws);
    if (!c) {
      const [w] = await rows<{ currency: string }>(tx, sql`select currency from workspaces where id = ${ws}::uuid`);
      currencies.set(ws, (c = w?.currency ?? "CNY"));
    }
    return c;
  };

  let entries: JourneyEntry[] = [];
  const pendingProfiles = new Set<string>();
  const flush = async () => {
    if (entries.length === 0) return;
    await startRuns(tx, now, entries, engine);
    entries = [];
    // Runs just started may wait for (or count a goal on) a later event of this batch.
    await loadRuns([...pendingProfiles]);
    pendingProfiles.clear();
  };

  for (const e of relevant) {
    const owner = owners.get(e.seq);
    if (!owner) continue;
    if (pendingProfiles.has(owner.profileId)) await flush();
    const properties = propertiesOf(e);
    for (const run of runsOf.get(owner.profileId) ?? []) {
      // Waits for this event: leave by "event". Before the goal: when the event is also the goal (an
      // order within the cart-abandon wait), the customer goes down the branch the operator drew for it.
      if (run.status === "active" && run.wait_event === e.event && filtersMatch(properties, run.wait_where ?? [])) {
        const locked = await lockRun(tx, run.id);
        if (locked && locked.waitEvent === e.event) {
          const after = await advanceRun(tx, now, locked, "event", engine);
          Object.assign(run, { status: after.status, wait_event: after.waitEvent, wait_where: after.waitWhere });
        }
      }
      // Goals: a conversion within the window ends the run if it is still going (holdout runs too: they
      // are compared); a run the event branch already ended keeps its ending and counts the conversion.
      if (run.goal_until && !run.goal_reached_at && new Date(run.entered_at) <= e.ts && e.ts <= new Date(run.goal_until)) {
        const v = await engine.cache.get(tx, run.journey_id, run.version);
        const goal = v?.settings.goal;
        if (goal && goal.event === e.event && filtersMatch(properties, goal.where)) {
          let revenue: number | null = null;
          if (e.event === ORDER_COMPLETED) {
            const order = parseOrderCompleted(properties, await currencyOf(e.workspaceId));
            if (!("errors" in order)) revenue = order.totalMinor;
          }
          await tx.execute(sql`update journey_runs set goal_reached_at = ${e.ts.toISOString()}::timestamptz, goal_revenue_minor = ${revenue},
              status = case when status = 'active' then 'goal_reached' else status end,
              ended_at = case when status = 'active' then ${now.toISOString()}::timestamptz else ended_at end,
              due_at = case when status = 'active' then null else due_at end,
              wait_event = case when status = 'active' then null else wait_event end,
              updated_at = ${now.toISOString()}::timestamptz
            where id = ${run.id}::uuid and goal_reached_at is null`);
          run.goal_reached_at = e.ts;
          if (run.status === "active") run.status = "goal_reached";
        }
      }
    }
    // Triggers.
    for (const j of live.get(e.workspaceId) ?? []) {
      if (j.trigger.event !== e.event || !filtersMatch(properties, j.trigger.where)) continue;
      if (j.liveSince && happenedBefore(e, j.liveSince)) continue;
      if (j.trigger.count && !(await countReached(tx, j.id, owner.profileId, e.ts, j.trigger.count))) continue;
      entries.push({
        workspaceId: e.workspaceId,
        journeyId: j.id,
        profileId: owner.profileId,
        entryKey: `event:${e.seq}`,
        trigger: { kind: "event", event: e.event, properties, seq: e.seq, triggeredAt: e.ts },
      });
      pendingProfiles.add(owner.profileId);
    }
  }
  await flush();
}

/**
 * An event from before a journey's trigger went live enters nothing, however late it is read: one
 * received before (the consumer was behind at the publish) or one that says it happened before (sent
 * late with its own, older timestamp, e.g. an offline mini-program or a CSV import of history). Nor
 * does it count towards the trigger's `count`.
 */
function happenedBefore(e: LoggedEvent, liveSince: Date): boolean {
  return e.receivedAt.getTime() < liveSince.getTime() || e.ts.getTime() < liveSince.getTime();
}

/** Counts the event for (journey, customer) by UTC day and says whether the last `withinDays` days reach `atLeast`. */
async function countReached(tx: Db, journeyId: string, profileId: string, at: Date, count: { atLeast: number; withinDays: number }): Promise<boolean> {
  const day = at.toISOString().slice(0, 10);
  await tx.execute(sql`insert into journey_trigger_counts (journey_id, profile_id, day, count) values (${journeyId}::uuid, ${profileId}::uuid, ${day}::date, 1)
      on conflict (journey_id, profile_id, day) do update set count = journey_trigger_counts.count + 1`);
  const [r] = await rows<{ n: number }>(
    tx,
    sql`select coalesce(sum(count), 0)::int as n from journey_trigger_counts
        where journey_id = ${journeyId}::uuid and profile_id = ${profileId}::uuid and day > ${day}::date - ${count.withinDays}::int and day <= ${day}::date`,
  );
  return (r?.n ?? 0) >= count.atLeast;
}

