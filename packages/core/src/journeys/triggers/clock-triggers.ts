import { sql, type SQL } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { JourneyTrigger } from "@siyu/contracts";
import type { Clock } from "../../shared/clock";
import { addLocalDays, localDay, localParts } from "../../shared/local-time";
import { rows } from "../../shared/sql-rows";
import { workspaceTimeZone } from "../../workspaces";
import type { LiveJourneyTrigger, TriggerDeps, TriggerEntry } from "./trigger-deps";

/**
 * The clock-driven trigger sources: date traits (birthdays, anniversaries) and schedules. Each run
 * (every few minutes) looks at every live journey of the kind: once the workspace's local time has
 * reached the trigger's `at` on a day it fires, the customers due that local day are entered —
 * those not entered yet, remembered in journey_trigger_fires by `<kind>:<local day>:<profileId>`,
 * so a run adds only newcomers (a customer who got a birthday trait at noon still enters) and a
 * rerun adds nothing. A day the worker was down past midnight is not caught up.
 */

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The local day in the zone, when its local time has reached `at` (HH:MM); null before. */
export function dayReached(now: Date, timeZone: string, at: string): { day: string; weekday: number } | null {
  const p = localParts(now, timeZone);
  if (p.hour * 60 + p.minute < minutesOf(at)) return null;
  return { day: localDay(now, timeZone), weekday: p.weekday };
}

/**
 * The trait values due on local day `today` for a date trait trigger: the anniversaries (MM-DD)
 * falling `offsetDays` before today (a trigger 3 days before birthdays, offset −3, looks 3 days
 * ahead), with 29 February celebrated on 28 February in other years; or the one date (YYYY-MM-DD).
 */
export function dueDates(today: string, trigger: { anniversary: boolean; offsetDays: number }): { monthDays: string[] } | { date: string } {
  const target = addLocalDays(today, -trigger.offsetDays);
  if (!trigger.anniversary) return { date: target };
  const md = target.slice(5);
  return { monthDays: md === "02-28" && !isLeap(Number(target.slice(0, 4))) ? ["02-28", "02-29"] : [md] };
}

/** A date trait as YYYY-MM-DD, YYYY/MM/DD, MM-DD, or an ISO date-time (its date part). */
const traitDate = (trait: string) => sql`replace(p.traits->>(${trait}::text), '/', '-')`;
const MONTH_DAY = "^(?:[0-9]{4}-)?([0-9]{2}-[0-9]{2})(?:$|T| )";
const FULL_DATE = "^([0-9]{4}-[0-9]{2}-[0-9]{2})(?:$|T| )";

/**
 * Enters `candidates` (a query yielding profile_id, properties jsonb) into a journey, in chunks:
 * each chunk records its keys in journey_trigger_fires and starts the runs in one transaction.
 */
async function enterNewcomers(db: Db, clock: Clock, deps: TriggerDeps, journey: LiveJourneyTrigger, keyPrefix: string, candidates: SQL): Promise<number> {
  const limit = deps.batchSize ?? 5000;
  const kind = journey.trigger.kind;
  let made = 0;
  for (;;) {
    const n = await db.transaction(async (tx) => {
      const now = clock.now();
      const fresh = await rows<{ profile_id: string; properties: Record<string, unknown> | null }>(
        tx,
        sql`with c as (
              select x.profile_id, x.properties, ${keyPrefix}::text || x.profile_id::text as entry_key from (${candidates}) as x(profile_id, properties)
              where not exists (select 1 from journey_trigger_fires f where f.journey_id = ${journey.journeyId}::uuid and f.entry_key = ${keyPrefix}::text || x.profile_id::text)
              order by x.profile_id limit ${limit}
            ), ins as (
              insert into journey_trigger_fires (workspace_id, journey_id, entry_key, profile_id, fired_at)
              select ${journey.workspaceId}::uuid, ${journey.journeyId}::uuid, entry_key, profile_id, ${now.toISOString()}::timestamptz from c
              on conflict do nothing returning profile_id
            )
            select c.profile_id, c.properties from c join ins using (profile_id)`,
      );
      if (fresh.length === 0) return 0;
      const entries: TriggerEntry[] = fresh.map((r) => ({
        workspaceId: journey.workspaceId,
        journeyId: journey.journeyId,
        profileId: r.profile_id,
        entryKey: `${keyPrefix}${r.profile_id}`,
        trigger: { kind, properties: r.properties ?? {}, triggeredAt: now },
      }));
      await deps.start(tx, now, entries);
      return entries.length;
    });
    made += n;
    if (n < limit) return made;
  }
}

async function pruneFires(db: Db, now: Date): Promise<void> {
  await db.execute(sql`delete from journey_trigger_fires where fired_at < ${new Date(now.getTime() - 2 * 86_400_000).toISOString()}::timestamptz`);
}

async function eachJourney(
  db: Db,
  clock: Clock,
  deps: TriggerDeps,
  kind: "date_trait" | "schedule",
  enter: (journey: LiveJourneyTrigger, timeZone: string, now: Date) => Promise<number>,
): Promise<number> {
  const now = clock.now();
  await pruneFires(db, now);
  const zones = new Map<string, string>();
  let made = 0;
  let firstError: unknown = null;
  for (const journey of await deps.liveJourneys(db, null, [kind])) {
    if (journey.trigger.kind !== kind) continue;
    let timeZone = zones.get(journey.workspaceId);
    if (!timeZone) zones.set(journey.workspaceId, (timeZone = await workspaceTimeZone(db, journey.workspaceId)));
    try {
      made += await enter(journey, timeZone, now);
    } catch (error) {
      // One failing journey must not hold up the others; the first failure is reported after.
      firstError ??= error;
    }
  }
  if (firstError) throw firstError;
  return made;
}

/**
 * date_trait: for each live journey, the live customers whose date trait (its anniversary, or the
 * date itself) plus `offsetDays` is today in the workspace's local day, once the local time has
 * reached `at`. Entry key `date_trait:<local day>:<profileId>`. Returns the entries made.
 */
export function runDateTraitTriggers(db: Db, clock: Clock, deps: TriggerDeps): Promise<number> {
  return eachJourney(db, clock, deps, "date_trait", async (journey, timeZone, now) => {
    const trigger = journey.trigger as Extract<JourneyTrigger, { kind: "date_trait" }>;
    const reached = dayReached(now, timeZone, trigger.at);
    if (!reached) return 0;
    const due = dueDates(reached.day, trigger);
    const value = traitDate(trigger.trait);
    const match =
      "date" in due
        ? sql`substring(${value} from ${FULL_DATE}) = ${due.date}`
        : sql`substring(${value} from ${MONTH_DAY}) = any(${`{${due.monthDays.join(",")}}`}::text[])`;
    const candidates = sql`
      select p.id, jsonb_build_object('trait', ${trigger.trait}::text, 'value', p.traits->(${trigger.trait}::text), 'day', ${reached.day}::text) from profiles p
      where p.workspace_id = ${journey.workspaceId}::uuid and p.merged_into is null and ${match}`;
    return enterNewcomers(db, clock, deps, journey, `date_trait:${reached.day}:`, candidates);
  });
}

/**
 * schedule: at `at` local time on the trigger's weekdays (every day when none), every member of its
 * segment (as of the segment's last refresh), or every live customer, once per local day. Entry key
 * `schedule:<local day>:<profileId>`. Returns the entries made.
 */
export function runScheduleTriggers(db: Db, clock: Clock, deps: TriggerDeps): Promise<number> {
  return eachJourney(db, clock, deps, "schedule", async (journey, timeZone, now) => {
    const trigger = journey.trigger as Extract<JourneyTrigger, { kind: "schedule" }>;
    const reached = dayReached(now, timeZone, trigger.at);
    if (!reached) return 0;
    if (trigger.weekdays.length > 0 && !trigger.weekdays.includes(reached.weekday)) return 0;
    const properties = sql`jsonb_build_object('day', ${reached.day}::text, 'segmentId', ${trigger.segmentId}::text)`;
    const candidates =
      trigger.segmentId === null
        ? sql`select p.id, ${properties} from profiles p where p.workspace_id = ${journey.workspaceId}::uuid and p.merged_into is null`
        : sql`select p.id, ${properties} from segment_members m join profiles p on p.id = m.profile_id and p.workspace_id = m.workspace_id
              where m.workspace_id = ${journey.workspaceId}::uuid and m.segment_id = ${trigger.segmentId}::uuid and p.merged_into is null`;
    return enterNewcomers(db, clock, deps, journey, `schedule:${reached.day}:`, candidates);
  });
}
