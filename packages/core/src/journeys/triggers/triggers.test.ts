import { CreateWorkspaceBody, JourneyTrigger } from "@siyu/contracts";
import type { Db } from "@siyu/storage";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loyaltyServices, newProfile, newSegment } from "../../loyalty/loyalty.test-helpers";
import { appendProfileEvents, type NewProfileEvent } from "../../profile-events";
import type { CoreServices } from "../../services";
import { fixedClock } from "../../shared/clock";
import { SYSTEM_ACTOR } from "../../shared/context";
import { newId } from "../../shared/ids";
import { dueDates } from "./clock-triggers";
import { runDateTraitTriggers, runLifecycleTriggers, runScheduleTriggers, runSegmentTriggers, runTierTriggers, SEGMENT_TRIGGERS_CONSUMER } from "./index";
import { sql } from "@siyu/storage/orm";
import type { LiveJourneyTrigger, TriggerDeps, TriggerEntry } from "./trigger-deps";

let database: TestDatabase;
let services: CoreServices;
const clock = fixedClock("2026-05-11T00:00:00Z");

beforeAll(async () => {
  database = await openTestDatabase();
  services = loyaltyServices(database.db, clock);
  // The sources' first runs: they start at the end of the log.
  const idle = engine([]).deps;
  for (const run of [runSegmentTriggers, runTierTriggers, runLifecycleTriggers]) await run(database.db, clock, idle);
});
afterAll(async () => database.close());

/** The engine stand-ins: a list of live journeys, and a start that records what it is given. */
function engine(journeys: { workspaceId: string; trigger: Record<string, unknown> }[]) {
  const live: LiveJourneyTrigger[] = journeys.map((j) => ({ workspaceId: j.workspaceId, journeyId: newId(), trigger: JourneyTrigger.parse(j.trigger) }));
  const started: TriggerEntry[] = [];
  const deps: TriggerDeps = {
    liveJourneys: async (_tx: Db, workspaceId, kinds) => live.filter((j) => (workspaceId === null || j.workspaceId === workspaceId) && kinds.includes(j.trigger.kind)),
    start: async (_tx, _now, entries) => void started.push(...entries),
  };
  return { live, started, deps };
}

async function workspace(timezone = "Asia/Shanghai") {
  return (await services.workspaces.create(CreateWorkspaceBody.parse({ name: `Triggers ${newId().slice(-8)}`, timezone }), SYSTEM_ACTOR)).id;
}

const changes = (events: NewProfileEvent[]) => database.db.transaction((tx) => appendProfileEvents(tx, clock.now(), events));

describe("profile change trigger sources", () => {
  it("segment entered / exited: each membership change enters the matching journeys once, and changes before a run are not replayed", async () => {
    const ws = await workspace();
    const [a, b] = [await newProfile(database.db, ws), await newProfile(database.db, ws)];
    const dormant = newId();
    const other = newId();
    const { live, started, deps } = engine([
      { workspaceId: ws, trigger: { kind: "segment_entered", segmentId: dormant } },
      { workspaceId: ws, trigger: { kind: "segment_exited", segmentId: dormant } },
    ]);
    // What a refresh writes: entered and exited by difference, one event each.
    await changes([
      { workspaceId: ws, profileId: a, kind: "segment.entered", payload: { segmentId: dormant, segmentName: "Dormant" } },
      { workspaceId: ws, profileId: b, kind: "segment.entered", payload: { segmentId: other, segmentName: "Other" } },
      { workspaceId: ws, profileId: b, kind: "tag.added", payload: { tagId: newId() } },
    ]);
    expect(await runSegmentTriggers(database.db, clock, deps)).toBe(1);
    expect(started[0]).toMatchObject({ workspaceId: ws, journeyId: live[0]!.journeyId, profileId: a, trigger: { kind: "segment_entered", properties: { segmentId: dormant } } });
    // A rerun adds nothing.
    expect(await runSegmentTriggers(database.db, clock, deps)).toBe(0);

    await changes([{ workspaceId: ws, profileId: a, kind: "segment.exited", payload: { segmentId: dormant, segmentName: "Dormant" } }]);
    expect(await runSegmentTriggers(database.db, clock, { ...deps, batchSize: 1 })).toBe(1);
    expect(started[1]).toMatchObject({ journeyId: live[1]!.journeyId, profileId: a, trigger: { kind: "segment_exited" } });
    expect(new Set(started.map((e) => e.entryKey)).size).toBe(2);
  });

  it("a change made before the journey went live enters nothing, even when the source reads it after the publish", async () => {
    const ws = await workspace();
    const [early, late] = [await newProfile(database.db, ws), await newProfile(database.db, ws)];
    const segmentId = newId();
    const { live, started, deps } = engine([{ workspaceId: ws, trigger: { kind: "segment_entered", segmentId } }]);
    await changes([{ workspaceId: ws, profileId: early, kind: "segment.entered", payload: { segmentId } }]);
    clock.advance(60_000);
    live[0]!.liveSince = clock.now();
    await changes([{ workspaceId: ws, profileId: late, kind: "segment.entered", payload: { segmentId } }]);
    expect(await runSegmentTriggers(database.db, clock, deps)).toBe(1);
    expect(started.map((e) => e.profileId)).toEqual([late]);
  });

  it("a source's first run starts at the end of the log: older changes enter nothing", async () => {
    const ws = await workspace();
    const p = await newProfile(database.db, ws);
    const segmentId = newId();
    const { started, deps } = engine([{ workspaceId: ws, trigger: { kind: "segment_entered", segmentId } }]);
    await database.db.execute(sql`delete from events_consumer_offsets where consumer = ${SEGMENT_TRIGGERS_CONSUMER}`);
    await changes([{ workspaceId: ws, profileId: p, kind: "segment.entered", payload: { segmentId } }]);
    expect(await runSegmentTriggers(database.db, clock, deps)).toBe(0);
    await changes([{ workspaceId: ws, profileId: p, kind: "segment.exited", payload: { segmentId } }, { workspaceId: ws, profileId: p, kind: "segment.entered", payload: { segmentId } }]);
    expect(await runSegmentTriggers(database.db, clock, deps)).toBe(1);
    expect(started).toHaveLength(1);
  });

  it("a failing start rolls the offset back: the change is entered on the next run", async () => {
    const ws = await workspace();
    const p = await newProfile(database.db, ws);
    const segmentId = newId();
    const { started, deps } = engine([{ workspaceId: ws, trigger: { kind: "segment_entered", segmentId } }]);
    await changes([{ workspaceId: ws, profileId: p, kind: "segment.entered", payload: { segmentId } }]);
    await expect(runSegmentTriggers(database.db, clock, { ...deps, start: () => Promise.reject(new Error("engine down")) })).rejects.toThrow("engine down");
    expect(await runSegmentTriggers(database.db, clock, deps)).toBe(1);
    expect(started.map((e) => e.profileId)).toEqual([p]);
  });

  it("tier changed: direction and target level as the tiers job records them", async () => {
    const ws = await workspace();
    const [up, down, inactive] = [await newProfile(database.db, ws), await newProfile(database.db, ws), await newProfile(database.db, ws)];
    const { live, started, deps } = engine([
      { workspaceId: ws, trigger: { kind: "tier_changed", direction: "up" } },
      { workspaceId: ws, trigger: { kind: "tier_changed", direction: "down" } },
      { workspaceId: ws, trigger: { kind: "tier_changed", direction: "any", to: "gold" } },
    ]);
    await changes([
      { workspaceId: ws, profileId: up, kind: "loyalty_tier.changed", payload: { from: "silver", to: "gold", growth: 3000, reason: "upgrade" } },
      { workspaceId: ws, profileId: down, kind: "loyalty_tier.changed", payload: { from: "gold", to: "silver", growth: 100, reason: "downgrade" } },
      { workspaceId: ws, profileId: inactive, kind: "loyalty_tier.changed", payload: { from: "platinum", to: "gold", growth: 100, reason: "inactivity" } },
    ]);
    expect(await runTierTriggers(database.db, clock, deps)).toBe(5);
    const of = (i: number) => started.filter((e) => e.journeyId === live[i]!.journeyId).map((e) => e.profileId).sort();
    expect(of(0)).toEqual([up]);
    expect(of(1)).toEqual([down, inactive].sort());
    expect(of(2)).toEqual([up, inactive].sort());
    expect(await runTierTriggers(database.db, clock, deps)).toBe(0);
  });

  it("lifecycle changed: only the stage the trigger names", async () => {
    const ws = await workspace();
    const [p, q] = [await newProfile(database.db, ws), await newProfile(database.db, ws)];
    const { started, deps } = engine([{ workspaceId: ws, trigger: { kind: "lifecycle_changed", to: "dormant" } }]);
    await changes([
      { workspaceId: ws, profileId: p, kind: "lifecycle.changed", payload: { from: "mature", to: "dormant" } },
      { workspaceId: ws, profileId: q, kind: "lifecycle.changed", payload: { from: "new", to: "growing" } },
    ]);
    expect(await runLifecycleTriggers(database.db, clock, deps)).toBe(1);
    expect(started.map((e) => e.profileId)).toEqual([p]);
  });
});

describe("date trait triggers", () => {
  it("due dates: offsets, and 29 February on 28 February in other years", () => {
    expect(dueDates("2026-05-11", { anniversary: true, offsetDays: 0 })).toEqual({ monthDays: ["05-11"] });
    expect(dueDates("2026-05-11", { anniversary: true, offsetDays: -3 })).toEqual({ monthDays: ["05-14"] });
    expect(dueDates("2027-02-28", { anniversary: true, offsetDays: 0 })).toEqual({ monthDays: ["02-28", "02-29"] });
    expect(dueDates("2028-02-28", { anniversary: true, offsetDays: 0 })).toEqual({ monthDays: ["02-28"] });
    expect(dueDates("2026-05-11", { anniversary: false, offsetDays: 30 })).toEqual({ date: "2026-04-11" });
  });

  it("birthdays enter at the local time in the workspace's zone, once per local day, newcomers on a later run", async () => {
    const ws = await workspace("Asia/Shanghai");
    const today = await newProfile(database.db, ws, { birthday: "1990-05-11" });
    const slashes = await newProfile(database.db, ws, { birthday: "1985/05/11" });
    const monthDay = await newProfile(database.db, ws, { birthday: "05-11" });
    await newProfile(database.db, ws, { birthday: "1990-05-12" });
    await newProfile(database.db, ws, { birthday: "not a date" });
    await newProfile(database.db, ws);
    const { started, deps } = engine([{ workspaceId: ws, trigger: { kind: "date_trait", trait: "birthday", at: "10:00" } }]);

    // 09:59 in Shanghai on 11 May: not yet.
    clock.set("2026-05-11T01:59:00Z");
    expect(await runDateTraitTriggers(database.db, clock, deps)).toBe(0);
    clock.set("2026-05-11T02:00:00Z");
    expect(await runDateTraitTriggers(database.db, clock, deps)).toBe(3);
    expect(started.map((e) => e.profileId).sort()).toEqual([today, slashes, monthDay].sort());
    expect(started[0]!.entryKey).toMatch(/^date_trait:2026-05-11:/);
    expect(await runDateTraitTriggers(database.db, clock, deps)).toBe(0);
    // A birthday learnt at noon still enters today; nobody twice.
    const late = await newProfile(database.db, ws, { birthday: "2001-05-11" });
    clock.set("2026-05-11T04:00:00Z");
    expect(await runDateTraitTriggers(database.db, clock, deps)).toBe(1);
    expect(started.at(-1)!.profileId).toBe(late);
    // 12 May in Shanghai (16:00 UTC on the 11th): a new local day, other birthdays, not yet 10:00.
    clock.set("2026-05-11T16:30:00Z");
    expect(await runDateTraitTriggers(database.db, clock, deps)).toBe(0);
  });

  it("29 February birthdays on 28 February in a non-leap year, and offsets before the date", async () => {
    const ws = await workspace("Europe/London");
    const leap = await newProfile(database.db, ws, { birthday: "2000-02-29" });
    const feb28 = await newProfile(database.db, ws, { birthday: "1999-02-28" });
    const march3 = await newProfile(database.db, ws, { birthday: "1999-03-03" });
    const { live, started, deps } = engine([
      { workspaceId: ws, trigger: { kind: "date_trait", trait: "birthday", at: "09:00" } },
      { workspaceId: ws, trigger: { kind: "date_trait", trait: "birthday", offsetDays: -3, at: "09:00" } },
    ]);
    clock.set("2027-02-28T09:00:00Z");
    expect(await runDateTraitTriggers(database.db, clock, deps)).toBe(3);
    expect(started.filter((e) => e.journeyId === live[0]!.journeyId).map((e) => e.profileId).sort()).toEqual([leap, feb28].sort());
    expect(started.filter((e) => e.journeyId === live[1]!.journeyId).map((e) => e.profileId)).toEqual([march3]);
  });

  it("the local time follows DST: 10:00 in New York is 14:00 UTC in summer", async () => {
    const ws = await workspace("America/New_York");
    await newProfile(database.db, ws, { signup_date: "2025-07-01" });
    const { started, deps } = engine([{ workspaceId: ws, trigger: { kind: "date_trait", trait: "signup_date", at: "10:00" } }]);
    clock.set("2026-07-01T13:59:00Z");
    expect(await runDateTraitTriggers(database.db, clock, deps)).toBe(0);
    clock.set("2026-07-01T14:00:00Z");
    expect(await runDateTraitTriggers(database.db, clock, deps)).toBe(1);
    expect(started[0]!.trigger).toMatchObject({ kind: "date_trait", properties: { trait: "signup_date", value: "2025-07-01", day: "2026-07-01" } });
  });
});

describe("schedule triggers", () => {
  it("everyone in the segment at the local time on the given weekdays, once per local day", async () => {
    const ws = await workspace();
    const members = [await newProfile(database.db, ws), await newProfile(database.db, ws)];
    const outsider = await newProfile(database.db, ws);
    const segmentId = await newSegment(database.db, ws, members);
    const { live, started, deps } = engine([
      // Mondays and Wednesdays at 10:00.
      { workspaceId: ws, trigger: { kind: "schedule", segmentId, at: "10:00", weekdays: [1, 3] } },
      // Everyone, every day at 20:00.
      { workspaceId: ws, trigger: { kind: "schedule", segmentId: null, at: "20:00" } },
    ]);
    // Monday 11 May 2026, 10:00 in Shanghai.
    clock.set("2026-05-11T02:00:00Z");
    expect(await runScheduleTriggers(database.db, clock, { ...deps, batchSize: 1 })).toBe(2);
    expect(started.map((e) => e.profileId).sort()).toEqual([...members].sort());
    expect(await runScheduleTriggers(database.db, clock, deps)).toBe(0);
    clock.set("2026-05-11T12:00:00Z");
    expect(await runScheduleTriggers(database.db, clock, deps)).toBe(3);
    expect(started.filter((e) => e.journeyId === live[1]!.journeyId).map((e) => e.profileId)).toContain(outsider);
    // Tuesday: not a day of the first; the second runs again at 20:00.
    clock.set("2026-05-12T12:00:00Z");
    expect(await runScheduleTriggers(database.db, clock, deps)).toBe(3);
    expect(started.filter((e) => e.journeyId === live[0]!.journeyId)).toHaveLength(2);
  });
});
