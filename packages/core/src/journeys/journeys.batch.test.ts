import fc from "fast-check";
import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoreServices } from "../services";
import { fixedClock } from "../shared/clock";
import { systemContext } from "../shared/context";
import { rows } from "../shared/sql-rows";
import { advanceRun, advanceRuns } from "./journey-advance";
import { VersionCache } from "./journey-engine-context";
import { startRuns, type JourneyEntry } from "./journey-start";
import { journeyEffects, type JourneyEffects } from "./journey-effects";
import { followMerges } from "./journey-merges";
import { runDueJourneyTimers } from "./journey-timers.job";
import { journeyRuns } from "./journeys.schema";
import { edge, fakeTemplates, journeyServices, liveJourney, messagesOf, newProfile, newWorkspace, node, runsOf, stepsOf } from "./journeys.test-helpers";

// The batch walk (advanceRuns, startRuns with many entries) must end exactly as moving the same runs
// one at a time would: same steps, outcomes, effect keys, messages, points, coupons and run states.

let database: TestDatabase;
let services: CoreServices;
const clock = fixedClock("2026-07-08T04:00:00Z");
const templates = fakeTemplates();
const MIN = 60_000;

beforeAll(async () => {
  database = await openTestDatabase();
  services = journeyServices(database.db, clock, templates);
});
afterAll(async () => {
  await database?.close();
});

const engine = (effects: JourneyEffects = journeyEffects({ clock, matchRule: async () => new Set<string>() })) => ({ effects, cache: new VersionCache() });

class Rollback extends Error {}
/** Runs `f` in a transaction that is then rolled back; returns what it returned. */
async function rolledBack<T>(db: Db, f: (tx: Db) => Promise<T>): Promise<T> {
  let out: T | undefined;
  try {
    await db.transaction(async (tx) => {
      out = await f(tx);
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  return out!;
}

/** Everything a move writes for the journey, with run ids named by entry key and coupon codes / ids blanked (random per issue). */
async function snapshot(tx: Db, ws: string, journeyId: string) {
  const runs = await rows<{ id: string; entry_key: string }>(
    tx,
    sql`select id, entry_key, profile_id, status, holdout, current_node_id, step_count, due_at, wait_event, wait_where, ended_at, error, context
        from journey_runs where journey_id = ${journeyId}::uuid`,
  );
  const steps = await rows(tx, sql`select run_id, step_no, node_id, outcome, detail from journey_steps where journey_id = ${journeyId}::uuid`);
  const messages = await rows(tx, sql`select idempotency_key, run_id, node_id, profile_id, channel, category, variables, journey_version from messages where journey_id = ${journeyId}::uuid`);
  const points = await rows(tx, sql`select profile_id, idempotency_key, delta from points_entries where workspace_id = ${ws}::uuid`);
  const coupons = await rows(tx, sql`select profile_id, issue_key, status from coupons where workspace_id = ${ws}::uuid`);
  let text = JSON.stringify({ runs, steps, messages, points, coupons });
  for (const r of runs) text = text.replaceAll(r.id, `run(${r.entry_key})`);
  text = text.replace(/"(code|couponId)":"[^"]*"/g, '"$1":"…"');
  const parsed = JSON.parse(text) as Record<string, unknown[]>;
  return Object.fromEntries(Object.entries(parsed).map(([k, list]) => [k, list.map((x) => JSON.stringify(x)).sort()]));
}

interface Customer {
  total: number;
  merged: boolean;
}

/**
 * t → big? (trigger total ≥ 100) —no→ small (exit)
 *        —yes→ ab split: a → sa (send) → pts (points) → w (10 min) → held? —yes→ end; —no→ cpn (coupon) → pts (again: keyed by step)
 *                         b → ev (wait for Order Completed, 30 min) —timeout→ sb (send) → end
 * with a daily send limit; merged customers' runs become the survivor's (one of them active at most).
 */
async function scenario(customers: Customer[], dailySendLimit: number | null) {
  clock.set("2026-07-08T04:00:00Z");
  const ws = await newWorkspace(services);
  const ctx = systemContext(ws);
  const coupon = await services.coupons.createTemplate(ctx, { name: "¥10", kind: "fixed", amountMinor: 1000, validity: { kind: "relative", days: 7 } });
  const sms = templates.add("sms");
  const id = await liveJourney(
    services,
    ws,
    [
      node.api(),
      node.condition("big", { kind: "trigger_event", where: [{ property: "total", op: "gte", value: 100 }] }),
      node.exit("small"),
      node.split("ab", [
        { key: "a", percent: 50 },
        { key: "b", percent: 50 },
      ]),
      node.action("sa", { kind: "send", channel: "sms", templateId: sms }),
      node.action("pts", { kind: "award_points", points: 5, reason: "loop" }),
      node.wait("w", { kind: "duration", minutes: 10 }),
      node.condition("held", { kind: "coupon_held", templateId: null }),
      node.action("cpn", { kind: "issue_coupon", templateId: coupon.id }),
      node.wait("ev", { kind: "until_event", event: "Order Completed", where: [], timeoutMinutes: 30 }),
      node.action("sb", { kind: "send", channel: "sms", templateId: sms }),
      node.exit(),
    ],
    [
      edge("t", "big"),
      edge("big", "ab", "yes"),
      edge("big", "small", "no"),
      edge("ab", "sa", "a"),
      edge("ab", "ev", "b"),
      edge("sa", "pts"),
      edge("pts", "w"),
      edge("w", "held"),
      edge("held", "end", "yes"),
      edge("held", "cpn", "no"),
      edge("cpn", "pts"),
      edge("ev", "end", "event"),
      edge("ev", "sb", "timeout"),
      edge("sb", "end"),
    ],
    { dailySendLimit },
  );
  const profiles: string[] = [];
  for (let i = 0; i < customers.length; i++) profiles.push(await newProfile(database.db, ws));
  const into = await newProfile(database.db, ws);
  const now = clock.now();
  const entries: JourneyEntry[] = customers.map((c, i) => ({
    workspaceId: ws,
    journeyId: id,
    profileId: profiles[i]!,
    entryKey: `api:${i}`,
    trigger: { kind: "api", properties: { total: c.total }, triggeredAt: now },
  }));

  // Entering: all at once vs one entry per call, from the same state.
  const batched = await rolledBack(database.db, async (tx) => {
    await startRuns(tx, now, entries, engine());
    return snapshot(tx, ws, id);
  });
  const single = await rolledBack(database.db, async (tx) => {
    for (const e of entries) await startRuns(tx, now, [e], engine());
    return snapshot(tx, ws, id);
  });
  expect(batched).toEqual(single);
  await database.db.transaction((tx) => startRuns(tx, now, entries, engine()));

  // Some customers are merged into another profile before their runs move on (followed, as the projector does).
  const merged = profiles.filter((_, i) => customers[i]!.merged);
  await database.db.transaction(async (tx) => {
    for (const p of merged) await tx.execute(sql`update profiles set merged_into = ${into}::uuid where id = ${p}::uuid`);
    await followMerges(tx, now, ws, merged);
  });

  // Timers, four passes 10 minutes apart: the due runs moved together vs one by one.
  for (let pass = 0; pass < 4; pass++) {
    clock.advance(10 * MIN);
    const at = clock.now();
    const due = async (tx: Db) =>
      (
        await tx
          .select()
          .from(journeyRuns)
          .where(sql`${journeyRuns.journeyId} = ${id}::uuid and ${journeyRuns.status} = 'active' and ${journeyRuns.dueAt} <= ${at.toISOString()}::timestamptz`)
          .for("update")
      ).map((run) => ({ run, resume: run.waitEvent !== null ? "timeout" : "next" }));
    const together = await rolledBack(database.db, async (tx) => {
      await advanceRuns(tx, at, await due(tx), engine());
      return snapshot(tx, ws, id);
    });
    const oneByOne = await rolledBack(database.db, async (tx) => {
      for (const { run, resume } of await due(tx)) await advanceRun(tx, at, run, resume, engine());
      return snapshot(tx, ws, id);
    });
    expect(together).toEqual(oneByOne);
    await database.db.transaction(async (tx) => void (await advanceRuns(tx, at, await due(tx), engine())));
  }
  return { ws, id, profiles, into };
}

describe(`journey engine, batches (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("a batch of runs through every kind of node ends exactly as moving them one by one", { timeout: 120_000 }, async () => {
    const customers: Customer[] = Array.from({ length: 30 }, (_, i) => ({ total: i % 5 === 0 ? 50 : 150, merged: i % 7 === 3 }));
    const { id, profiles, into } = await scenario(customers, 8);
    const runs = await rows<{ id: string; entry_key: string; profile_id: string; status: string; error: string | null }>(
      database.db,
      sql`select id, entry_key, profile_id, status, error from journey_runs where journey_id = ${id}::uuid`,
    );
    const byEntry = new Map(runs.map((r) => [r.entry_key, r]));
    const paths = await Promise.all(profiles.map(async (_, i) => (await stepsOf(database.db, byEntry.get(`api:${i}`)!.id)).join(" ")));
    // The batch went through every branch (the comparison above is not vacuous).
    expect(paths.filter((p) => p.endsWith("small:exit")).length).toBe(6);
    expect(paths.some((p) => p.includes("ab:branch:a") && p.includes("cpn:issued") && p.endsWith("held:yes end:exit"))).toBe(true);
    // Branch a sends at entry, branch b when its wait times out: past the limit of 8, journey_limit.
    expect(paths.some((p) => p.includes("ab:branch:b") && p.endsWith("ev:waiting sb:journey_limit end:exit"))).toBe(true);
    // Merged customers' runs are the survivor's; of those still inside at the merge, the oldest stays, the others exit.
    const merged = customers.flatMap((c, i) => (c.merged ? [byEntry.get(`api:${i}`)!] : []));
    expect(merged.every((r) => r.profile_id === into)).toBe(true);
    const inside = customers.flatMap((c, i) => (c.merged && c.total > 100 ? [byEntry.get(`api:${i}`)!] : []));
    expect(inside.length).toBeGreaterThan(1);
    expect(inside.filter((r) => r.status === "exited").length).toBe(inside.length - 1);
    expect(inside.filter((r) => r.status === "exited").every((r) => r.error?.includes("who was already in this journey"))).toBe(true);
    // Eight messages in all (the limit), each key once; a second visit to pts is keyed by its step.
    const msgs = await messagesOf(database.db, id);
    expect(msgs).toHaveLength(8);
    expect(new Set(msgs.map((m) => m.idempotency_key)).size).toBe(8);
    const keys = await rows<{ idempotency_key: string }>(database.db, sql`select idempotency_key from points_entries where idempotency_key like 'journey:%:pts:%'`);
    expect(keys.length).toBeGreaterThan(0);
  });

  it("property: any mix of customers, merges and send limits ends as the one-by-one walk", { timeout: 300_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ total: fc.constantFrom(50, 150, 150), merged: fc.constantFrom(false, false, true) }), { minLength: 1, maxLength: 16 }),
        fc.option(fc.integer({ min: 1, max: 5 }), { freq: 4 }),
        async (customers, limit) => {
          await scenario(customers, limit);
        },
      ),
      { numRuns: 8 },
    );
  });

  it("a run that throws in a timer batch is marked failed; the others move once", { timeout: 60_000 }, async () => {
    clock.set("2026-07-09T04:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const sms = templates.add("sms");
    const id = await liveJourney(
      services,
      ws,
      [
        node.api(),
        node.wait("w", { kind: "duration", minutes: 10 }),
        node.action("pts", { kind: "award_points", points: 3, reason: "x" }),
        node.condition("vip", { kind: "rule", rule: { type: "trait", trait: "vip", op: "eq", value: true } }),
        node.action("send", { kind: "send", channel: "sms", templateId: sms }),
        node.exit(),
      ],
      [edge("t", "w"), edge("w", "pts"), edge("pts", "vip"), edge("vip", "send", "yes"), edge("vip", "send", "no"), edge("send", "end")],
    );
    const profiles = await Promise.all(Array.from({ length: 6 }, () => newProfile(database.db, ws)));
    const broken = profiles[2]!;
    await services.journeys.enter(ctx, id, { entries: profiles.map((profileId) => ({ profileId, idempotencyKey: profileId, variables: {} })) });
    clock.advance(10 * MIN);
    const effects = journeyEffects({
      clock,
      matchRule: async (_tx, _ws, _rule, ids) => {
        if (ids.includes(broken)) throw new Error("the warehouse is gone");
        return new Set(ids);
      },
    });
    while ((await runDueJourneyTimers(database.db, clock, effects)) > 0);
    const runs = await runsOf(database.db, id);
    expect(runs.filter((r) => r.profile_id === broken).map((r) => r.status)).toEqual(["failed"]);
    expect(runs.filter((r) => r.profile_id !== broken).every((r) => r.status === "completed")).toBe(true);
    const [failed] = await rows<{ error: string }>(database.db, sql`select error from journey_runs where journey_id = ${id}::uuid and status = 'failed'`);
    expect(failed!.error).toBe("the warehouse is gone");
    // The failed batch was rolled back: the others' points and messages exist once, the broken run's not at all.
    expect((await messagesOf(database.db, id)).map((m) => m.run_id).sort()).toEqual(runs.filter((r) => r.profile_id !== broken).map((r) => r.id).sort());
    for (const p of profiles) expect((await services.points.balance(ctx, p)).available).toBe(p === broken ? 0 : 3);
  });
});
