import { sql } from "@siyu/storage/orm";
import { openTestDatabase, recordingPlans, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoreServices } from "../services";
import { fixedClock } from "../shared/clock";
import { VersionCache } from "./journey-engine-context";
import { journeyEffects } from "./journey-effects";
import { startRuns } from "./journey-start";
import { handleJourneyEvents } from "./consumers/journey-triggers.consumer";
import { edge, fakeTemplates, journeyServices, liveJourney, newProfile, newWorkspace, node } from "./journeys.test-helpers";

/**
 * Entering customers reads their earlier runs of the journey (the entry rules): by (workspace,
 * customer), never every run the journey ever had — a welcome journey holds one per customer.
 */
let database: TestDatabase;
let services: CoreServices;
const clock = fixedClock("2026-07-08T04:00:00Z");

beforeAll(async () => {
  database = await openTestDatabase();
  services = journeyServices(database.db, clock, fakeTemplates());
});
afterAll(async () => {
  await database?.close();
});

describe(`starting runs (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("judges the entry rules from the entering customers' own runs, however many runs the journey has", async () => {
    const ws = await newWorkspace(services);
    const journeyId = await liveJourney(services, ws, [node.api(), node.wait("w", { kind: "duration", minutes: 60 }), node.exit()], [edge("t", "w"), edge("w", "end")], {
      entry: { mode: "cooldown", hours: 24 },
    });
    // 30,000 finished runs of other customers.
    await database.db.execute(sql`
      insert into journey_runs (id, workspace_id, journey_id, version, profile_id, status, holdout, entry_key, entered_at, ended_at, trigger_kind, trigger_properties, triggered_at, context, updated_at)
      select gen_random_uuid(), ${ws}::uuid, ${journeyId}::uuid, 1, gen_random_uuid(), 'completed', false, 'old-' || g, now() - interval '30 days', now() - interval '30 days',
        'api', '{}', now() - interval '30 days', '{}', now()
      from generate_series(1, 30000) g`);
    await database.db.execute(sql`analyze journey_runs`);
    const [fresh, recent] = [await newProfile(database.db, ws), await newProfile(database.db, ws)];
    const entry = (profileId: string, key: string) => ({ workspaceId: ws, journeyId, profileId, entryKey: key, trigger: { kind: "api", triggeredAt: clock.now() } });
    await database.db.transaction((tx) => startRuns(tx, clock.now(), [entry(recent, "r-1")], { effects: journeyEffects({ clock, matchRule: async () => new Set<string>() }), cache: new VersionCache() }));

    const { db, plans } = recordingPlans(database.db);
    const result = await db.transaction((tx) =>
      startRuns(tx, clock.now(), [entry(fresh, "f-1"), entry(recent, "r-2")], { effects: journeyEffects({ clock, matchRule: async () => new Set<string>() }), cache: new VersionCache() }),
    );
    // The customer who entered a moment ago (still inside, and within the cooldown) stays out; the other enters.
    expect(result).toMatchObject({ started: [expect.any(String)], skipped: 1 });
    const history = plans.find((p) => /bool_or\(r?\.?status = 'active'\)/.test(p.sql))!.plan;
    expect(history).not.toMatch(/Seq Scan on journey_runs|journey_runs_journey/);
    expect(history).toMatch(/Index Cond: \(\(workspace_id = [^\n]*profile_id = /);
  });

  it("with no event journey live, asks only the runs that wait for an event or count a goal whether there is work", async () => {
    const ws = await newWorkspace(services);
    const journeyId = await liveJourney(services, ws, [node.api(), node.exit()], [edge("t", "end")]);
    // 30,000 finished runs, one older run whose goal window closed unreached, and 5,000 runs on a timer.
    await database.db.execute(sql`
      insert into journey_runs (id, workspace_id, journey_id, version, profile_id, status, holdout, entry_key, entered_at, ended_at, trigger_kind, trigger_properties, triggered_at, context, goal_until, due_at, updated_at)
      select gen_random_uuid(), ${ws}::uuid, ${journeyId}::uuid, 1, gen_random_uuid(), case when g <= 5000 then 'active' else 'completed' end, false, 'done-' || g,
        now() - interval '30 days', case when g > 5000 then now() - interval '30 days' end, 'api', '{}', now() - interval '30 days', '{}',
        case when g = 5001 then now() - interval '20 days' end, case when g <= 5000 then now() + interval '3 days' end, now()
      from generate_series(1, 35000) g`);
    await database.db.execute(sql`analyze journey_runs`);
    const event = { seq: 1, workspaceId: ws, messageId: "m-1", type: "track", event: "Page Viewed", userId: "u-1", anonymousId: null, ts: clock.now(), receivedAt: clock.now(), payload: {} };

    const { db, plans } = recordingPlans(database.db);
    await db.transaction((tx) => handleJourneyEvents(tx, [event], clock.now(), { effects: journeyEffects({ clock, matchRule: async () => new Set<string>() }), cache: new VersionCache() }));
    const pending = plans.find((p) => /wait_event is not null/.test(p.sql))!.plan;
    expect(pending).not.toMatch(/Seq Scan on journey_runs|journey_runs_profile|journey_runs_journey/);
    expect(pending).toMatch(/journey_runs_waiting_event/);
    expect(pending).toMatch(/journey_runs_goal_open/);
  });
});
