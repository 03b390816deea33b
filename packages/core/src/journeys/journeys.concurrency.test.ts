import { sql } from "@siyu/storage/orm";
import { openTestDatabase, testServerUrl, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoreServices } from "../services";
import { fixedClock } from "../shared/clock";
import { systemContext } from "../shared/context";
import { rows } from "../shared/sql-rows";
import { edge, fakeTemplates, journeyServices, liveJourney, newProfile, newWorkspace, node } from "./journeys.test-helpers";

/** Real concurrency needs the PostgreSQL server (PGlite runs one statement at a time): `npm run test:pg -- packages/core/src/journeys`. */
const server = testServerUrl();
if (!server) console.log("SKIPPED journeys concurrency tests: no PostgreSQL server (DATABASE_URL_TEST is unset)");

let database: TestDatabase;
let services: CoreServices;
const clock = fixedClock("2026-07-08T04:00:00Z");
const templates = fakeTemplates();

describe.skipIf(!server)("journey timers under concurrency (postgres)", () => {
  beforeAll(async () => {
    database = await openTestDatabase();
    services = journeyServices(database.db, clock, templates);
  });
  afterAll(async () => {
    await database?.close();
  });

  it("four timer workers in parallel move each due run exactly once", { timeout: 120_000 }, async () => {
    const ws = await newWorkspace(services);
    const sms = templates.add("sms");
    const id = await liveJourney(
      services,
      ws,
      [node.api(), node.wait("w", { kind: "duration", minutes: 10 }), node.action("pts", { kind: "award_points", points: 3, reason: "x" }), node.action("send", { kind: "send", channel: "sms", templateId: sms }), node.exit()],
      [edge("t", "w"), edge("w", "pts"), edge("pts", "send"), edge("send", "end")],
    );
    const ids = await Promise.all(Array.from({ length: 200 }, () => newProfile(database.db, ws)));
    await services.journeys.enter(systemContext(ws), id, { entries: ids.map((profileId) => ({ profileId, idempotencyKey: profileId, variables: {} })) });
    clock.advance(10 * 60_000);
    const worker = async () => {
      let moved = 0;
      for (let n; (n = await services.journeyTimersNextBatch(25)) > 0; ) moved += n;
      return moved;
    };
    const moved = await Promise.all([worker(), worker(), worker(), worker()]);
    expect(moved.reduce((a, b) => a + b, 0)).toBe(200);
    const [counts] = await rows<{ messages: number; steps: number; points: number; done: number }>(
      database.db,
      sql`select (select count(*)::int from messages where journey_id = ${id}::uuid) as messages,
                 (select count(*)::int from journey_steps where journey_id = ${id}::uuid and node_id = 'pts') as steps,
                 (select coalesce(sum(delta), 0)::int from points_entries where workspace_id = ${ws}::uuid) as points,
                 (select count(*)::int from journey_runs where journey_id = ${id}::uuid and status = 'completed') as done`,
    );
    expect(counts).toEqual({ messages: 200, steps: 200, points: 600, done: 200 });
  });

  it("the same customers entered by four requests at once: each is inside once, and the steps before its wait ran once", { timeout: 120_000 }, async () => {
    // New runs are walked first and inserted once inside a savepoint; a request that finds a customer's
    // place taken meanwhile rolls its walk back and enters the rest one by one.
    const ws = await newWorkspace(services);
    const id = await liveJourney(
      services,
      ws,
      [node.api(), node.action("pts", { kind: "award_points", points: 5, reason: "welcome" }), node.wait("w", { kind: "duration", minutes: 10 }), node.exit()],
      [edge("t", "pts"), edge("pts", "w"), edge("w", "end")],
    );
    const ids = await Promise.all(Array.from({ length: 60 }, () => newProfile(database.db, ws)));
    const enter = (request: number) =>
      services.journeys.enter(systemContext(ws), id, { entries: ids.map((profileId) => ({ profileId, idempotencyKey: `${request}:${profileId}`, variables: {} })) });
    const answers = await Promise.all([enter(1), enter(2), enter(3), enter(4)]);
    const started = answers.flatMap((a) => a.items.filter((i) => i.status === "started"));
    expect(started).toHaveLength(60);
    expect(new Set(started.map((i) => i.profileId)).size).toBe(60);
    const [counts] = await rows<{ runs: number; steps: number; points: number }>(
      database.db,
      sql`select (select count(*)::int from journey_runs where journey_id = ${id}::uuid) as runs,
                 (select count(*)::int from journey_steps where journey_id = ${id}::uuid and node_id = 'pts') as steps,
                 (select coalesce(sum(delta), 0)::int from points_entries where workspace_id = ${ws}::uuid) as points`,
    );
    expect(counts).toEqual({ runs: 60, steps: 60, points: 300 });
  });
});
