import { sql } from "@siyu/storage/orm";
import { openTestDatabase, recordingPlans, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoreServices } from "../services";
import { fixedClock } from "../shared/clock";
import { VersionCache } from "./journey-engine-context";
import { journeyEffects } from "./journey-effects";
import { startRuns } from "./journey-start";
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
});
