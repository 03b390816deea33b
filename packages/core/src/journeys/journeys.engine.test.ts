import { sql } from "@siyu/storage/orm";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoreServices } from "../services";
import { fixedClock } from "../shared/clock";
import { systemContext } from "../shared/context";
import { rows } from "../shared/sql-rows";
import { advanceRun } from "./journey-advance";
import { VersionCache } from "./journey-engine-context";
import { startRuns } from "./journey-start";
import { journeyEffects } from "./journey-effects";
import { journeyRuns } from "./journeys.schema";
import { eq } from "@siyu/storage/orm";
import { edge, fakeTemplates, journeyServices, liveJourney, messagesOf, newProfile, newWorkspace, node, runsOf, stepsOf } from "./journeys.test-helpers";

let database: TestDatabase;
let services: CoreServices;
const clock = fixedClock("2026-07-08T04:00:00Z");
const templates = fakeTemplates();
const MIN = 60_000;
const HOUR = 60 * MIN;

beforeAll(async () => {
  database = await openTestDatabase();
  services = journeyServices(database.db, clock, templates);
});
afterAll(async () => {
  await database?.close();
});

const enter = (ws: string, journeyId: string, profileIds: string[], key = "k", variables: Record<string, unknown> = {}) =>
  services.journeys.enter(systemContext(ws), journeyId, { entries: profileIds.map((profileId) => ({ profileId, idempotencyKey: `${key}:${profileId}`, variables })) });
const drainTimers = async () => {
  while ((await services.journeyTimersNextBatch()) > 0);
};

describe(`journey engine (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("runs every action: coupon (its code reaches the next message), points, tags, webhook, store task, exit", async () => {
    clock.set("2026-07-08T04:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const coupon = await services.coupons.createTemplate(ctx, { name: "Welcome ¥10", kind: "fixed", amountMinor: 1000, validity: { kind: "relative", days: 7 } });
    const tag = await services.tags.create(ctx, { kind: "manual", name: "Welcomed" });
    const sms = templates.add("sms", ["coupon.code", "profile.name"]);
    const p = await newProfile(database.db, ws, {}, "SH-01");
    const id = await liveJourney(
      services,
      ws,
      [
        node.api(),
        node.action("coupon", { kind: "issue_coupon", templateId: coupon.id }),
        node.action("send", { kind: "send", channel: "sms", templateId: sms }),
        node.action("points", { kind: "award_points", points: 50, reason: "Welcome" }),
        node.action("tag", { kind: "add_tag", tagId: tag.id }),
        node.action("hook", { kind: "webhook", url: "https://crm.example.com/hook" }),
        node.action("task", { kind: "store_task", title: "Call the new member" }),
        node.exit(),
      ],
      [edge("t", "coupon"), edge("coupon", "send"), edge("send", "points"), edge("points", "tag"), edge("tag", "hook"), edge("hook", "task"), edge("task", "end")],
    );
    const result = await enter(ws, id, [p]);
    expect(result.items[0]).toMatchObject({ status: "started" });
    const [run] = await runsOf(database.db, id);
    expect(run).toMatchObject({ status: "completed", current_node_id: "end" });
    expect(await stepsOf(database.db, run!.id)).toEqual(["t:entered", "coupon:issued", "send:queued", "points:awarded", "tag:tagged", "hook:queued", "task:task", "end:exit"]);
    const held = await services.coupons.listOfCustomer(ctx, p);
    expect(held).toHaveLength(1);
    const msgs = await messagesOf(database.db, id);
    expect(msgs.map((m) => [m.node_id, m.channel, m.idempotency_key])).toEqual([
      ["send", "sms", `journey:${run!.id}:send`],
      ["hook", "webhook", `journey:${run!.id}:hook`],
    ]);
    expect((msgs[0]!.variables.coupon as { code: string }).code).toBe(held[0]!.code);
    expect(msgs[0]!.variables.journey).toMatchObject({ id, dryRun: false });
    expect(msgs[1]!.address).toBe("https://crm.example.com/hook");
    expect((await services.points.balance(ctx, p)).available).toBe(50);
    expect((await services.tags.tagsOf(ctx, p)).map((t) => t.name)).toEqual(["Welcomed"]);
    const tasks = await services.journeys.tasks(ctx, { limit: 10 });
    expect(tasks.items).toMatchObject([{ title: "Call the new member", storeId: "SH-01", status: "open", profileId: p }]);
    // A store manager of another store does not see it.
    expect((await services.journeys.tasks({ ...ctx, storeIds: ["BJ-01"] }, { limit: 10 })).items).toEqual([]);
    await expect(services.journeys.completeTask({ ...ctx, storeIds: ["BJ-01"] }, tasks.items[0]!.id)).rejects.toMatchObject({ code: "journeys.task_not_found" });
    expect(await services.journeys.completeTask({ ...ctx, storeIds: ["SH-01"] }, tasks.items[0]!.id)).toMatchObject({ status: "done" });
    const report = await services.journeys.report(ctx, id);
    expect(report).toMatchObject({ entered: 1, inProgress: 0, coupons: { issued: 1, redeemed: 0 } });
    expect(report.nodes.find((n) => n.nodeId === "send")).toMatchObject({ entered: 1 });
  });

  it("dry run: messages are queued marked dryRun, but no coupon, points, tag or task moves", async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const coupon = await services.coupons.createTemplate(ctx, { name: "¥5", kind: "fixed", amountMinor: 500, validity: { kind: "relative", days: 7 } });
    const sms = templates.add("sms", ["coupon.code"]);
    const p = await newProfile(database.db, ws);
    const id = await liveJourney(
      services,
      ws,
      [node.api(), node.action("coupon", { kind: "issue_coupon", templateId: coupon.id }), node.action("send", { kind: "send", channel: "sms", templateId: sms }), node.action("points", { kind: "award_points", points: 5, reason: "x" }), node.exit()],
      [edge("t", "coupon"), edge("coupon", "send"), edge("send", "points"), edge("points", "end")],
      { dryRun: true },
    );
    await enter(ws, id, [p]);
    const [run] = await runsOf(database.db, id);
    expect(await stepsOf(database.db, run!.id)).toEqual(["t:entered", "coupon:dry_run", "send:queued", "points:dry_run", "end:exit"]);
    expect((await messagesOf(database.db, id))[0]!.variables.journey).toMatchObject({ dryRun: true });
    expect(await services.coupons.listOfCustomer(ctx, p)).toEqual([]);
    expect((await services.points.balance(ctx, p)).available).toBe(0);
  });

  it("conditions, splits and waits: trigger_event, coupon_held, a stable split, a duration wait woken by the timer", async () => {
    clock.set("2026-07-08T04:00:00Z");
    const ws = await newWorkspace(services);
    const sms = templates.add("sms");
    const [big, small] = [await newProfile(database.db, ws), await newProfile(database.db, ws)];
    const id = await liveJourney(
      services,
      ws,
      [
        node.api(),
        node.condition("big", { kind: "trigger_event", where: [{ property: "total", op: "gte", value: 200 }] }),
        node.condition("held", { kind: "coupon_held", templateId: null }),
        node.wait("w", { kind: "duration", minutes: 30 }),
        node.split("ab", [
          { key: "a", percent: 50 },
          { key: "b", percent: 50 },
        ]),
        node.action("sa", { kind: "send", channel: "sms", templateId: sms }),
        node.action("sb", { kind: "send", channel: "sms", templateId: sms }),
        node.exit(),
      ],
      [edge("t", "big"), edge("big", "held", "yes"), edge("big", "end", "no"), edge("held", "end", "yes"), edge("held", "w", "no"), edge("w", "ab"), edge("ab", "sa", "a"), edge("ab", "sb", "b"), edge("sa", "end"), edge("sb", "end")],
    );
    await services.journeys.enter(systemContext(ws), id, {
      entries: [
        { profileId: big, idempotencyKey: "1", variables: { total: 250 } },
        { profileId: small, idempotencyKey: "2", variables: { total: 50 } },
      ],
    });
    const runs = await runsOf(database.db, id);
    const bigRun = runs.find((r) => r.profile_id === big)!;
    expect(bigRun).toMatchObject({ status: "active", current_node_id: "w" });
    expect(new Date(bigRun.due_at!).toISOString()).toBe("2026-07-08T04:30:00.000Z");
    expect(runs.find((r) => r.profile_id === small)).toMatchObject({ status: "completed" });
    expect(await stepsOf(database.db, runs.find((r) => r.profile_id === small)!.id)).toEqual(["t:entered", "big:no", "end:exit"]);
    clock.advance(29 * MIN);
    expect(await services.journeyTimersNextBatch()).toBe(0);
    clock.advance(MIN);
    expect(await services.journeyTimersNextBatch()).toBe(1);
    const steps = await stepsOf(database.db, bigRun.id);
    expect(steps.slice(0, 4)).toEqual(["t:entered", "big:yes", "held:no", "w:waiting"]);
    expect(steps[4]).toMatch(/^ab:branch:[ab]$/);
    // The branch is stable for (journey, customer): the message came from that branch's node.
    const branch = steps[4]!.slice(-1);
    expect((await messagesOf(database.db, id)).map((m) => m.node_id)).toEqual([`s${branch}`]);
  });

  it("the split divides customers by its percentages (stable hash)", async () => {
    const ws = await newWorkspace(services);
    const id = await liveJourney(
      services,
      ws,
      [node.api(), node.split("s", [{ key: "a", percent: 20 }, { key: "b", percent: 80 }]), node.exit("ea"), node.exit("eb")],
      [edge("t", "s"), edge("s", "ea", "a"), edge("s", "eb", "b")],
    );
    const ids = await Promise.all(Array.from({ length: 300 }, () => newProfile(database.db, ws)));
    await enter(ws, id, ids);
    const [counts] = await rows<{ a: number; b: number }>(
      database.db,
      sql`select count(*) filter (where current_node_id = 'ea')::int as a, count(*) filter (where current_node_id = 'eb')::int as b from journey_runs where journey_id = ${id}::uuid`,
    );
    expect(counts!.a + counts!.b).toBe(300);
    expect(counts!.a).toBeGreaterThan(30);
    expect(counts!.a).toBeLessThan(90);
  });

  it("entry rules: once, every time (not while inside), cooldown; idempotent entry keys", async () => {
    clock.set("2026-07-08T04:00:00Z");
    const ws = await newWorkspace(services);
    const p = await newProfile(database.db, ws);
    const graph = [[node.api(), node.wait("w", { kind: "duration", minutes: 60 }), node.exit()], [edge("t", "w"), edge("w", "end")]] as const;
    const once = await liveJourney(services, ws, [...graph[0]], [...graph[1]], { entry: { mode: "once" } });
    const every = await liveJourney(services, ws, [...graph[0]], [...graph[1]], { entry: { mode: "every_time" } });
    const cool = await liveJourney(services, ws, [...graph[0]], [...graph[1]], { entry: { mode: "cooldown", hours: 24 } });
    for (const j of [once, every, cool]) {
      expect((await enter(ws, j, [p], "a")).items[0]!.status).toBe("started");
      // The same key again: the same run, nothing new.
      const again = await enter(ws, j, [p], "a");
      expect(again.items[0]!.status).toBe("started");
      // Another key while inside: refused by every mode.
      expect((await enter(ws, j, [p], "b")).items[0]!.status).toBe("skipped");
    }
    clock.advance(2 * HOUR);
    await drainTimers();
    expect((await enter(ws, once, [p], "c")).items[0]!.status).toBe("skipped");
    expect((await enter(ws, every, [p], "c")).items[0]!.status).toBe("started");
    expect((await enter(ws, cool, [p], "c")).items[0]!.status).toBe("skipped");
    clock.advance(23 * HOUR);
    expect((await enter(ws, cool, [p], "d")).items[0]!.status).toBe("started");
    expect((await runsOf(database.db, once)).length).toBe(1);
    expect((await runsOf(database.db, every)).length).toBe(2);
    expect((await runsOf(database.db, cool)).length).toBe(2);
  });

  it("holdout: held-out customers run nothing, stay until the goal window ends, and their conversions count apart", async () => {
    clock.set("2026-07-08T04:00:00Z");
    const ws = await newWorkspace(services);
    const sms = templates.add("sms");
    const id = await liveJourney(
      services,
      ws,
      [node.api(), node.action("send", { kind: "send", channel: "sms", templateId: sms }), node.exit()],
      [edge("t", "send"), edge("send", "end")],
      { holdoutPercent: 50, goal: { event: "Order Completed", withinHours: 72 } },
    );
    const ids = await Promise.all(Array.from({ length: 60 }, () => newProfile(database.db, ws)));
    await enter(ws, id, ids);
    const runs = await runsOf(database.db, id);
    const held = runs.filter((r) => r.holdout);
    expect(held.length).toBeGreaterThan(10);
    expect(held.length).toBeLessThan(50);
    expect(held.every((r) => r.status === "active" && r.current_node_id === null)).toBe(true);
    expect((await messagesOf(database.db, id)).length).toBe(60 - held.length);
    // The same customer is always in (or out of) the holdout.
    const again = await liveJourney(services, ws, [node.api(), node.exit()], [edge("t", "end")], { holdoutPercent: 50 });
    await enter(ws, again, ids);
    expect((await runsOf(database.db, again)).filter((r) => r.holdout).length).toBeGreaterThan(0);
    clock.advance(72 * HOUR + 1);
    await drainTimers();
    expect((await runsOf(database.db, id)).filter((r) => r.holdout).every((r) => r.status === "completed")).toBe(true);
    const report = await services.journeys.report(systemContext(ws), id);
    expect(report.holdout.entered).toBe(held.length);
    expect(report.entered).toBe(60 - held.length);
  });

  it("daily send limit: messages past it are not queued, the step records journey_limit", async () => {
    clock.set("2026-07-08T04:00:00Z");
    const ws = await newWorkspace(services);
    const sms = templates.add("sms");
    const id = await liveJourney(services, ws, [node.api(), node.action("send", { kind: "send", channel: "sms", templateId: sms }), node.exit()], [edge("t", "send"), edge("send", "end")], {
      dailySendLimit: 2,
    });
    await enter(ws, id, await Promise.all(Array.from({ length: 4 }, () => newProfile(database.db, ws))));
    expect((await messagesOf(database.db, id)).length).toBe(2);
    const report = await services.journeys.report(systemContext(ws), id);
    expect(report.nodes.find((n) => n.nodeId === "send")!.messages.suppressed).toEqual({ journey_limit: 2 });
    // The next local day has a fresh allowance.
    clock.set("2026-07-08T16:30:00Z");
    await enter(ws, id, [await newProfile(database.db, ws)]);
    expect((await messagesOf(database.db, id)).length).toBe(3);
  });

  it("a step replayed after a crash has one effect; a stale replay of a moved run is refused", async () => {
    clock.set("2026-07-08T04:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const sms = templates.add("sms");
    const p = await newProfile(database.db, ws);
    const id = await liveJourney(
      services,
      ws,
      [node.api(), node.wait("w", { kind: "duration", minutes: 10 }), node.action("points", { kind: "award_points", points: 7, reason: "x" }), node.action("send", { kind: "send", channel: "sms", templateId: sms }), node.exit()],
      [edge("t", "w"), edge("w", "points"), edge("points", "send"), edge("send", "end")],
    );
    await enter(ws, id, [p]);
    clock.advance(10 * MIN);
    const [stale] = await database.db.select().from(journeyRuns).where(eq(journeyRuns.journeyId, id));
    const engine = { effects: journeyEffects({ clock, matchRule: async () => new Set<string>() }), cache: new VersionCache() };
    // The worker dies after the effects, before committing: nothing of it stays.
    await expect(
      database.db.transaction(async (tx) => {
        await advanceRun(tx, clock.now(), stale!, "next", engine);
        throw new Error("crash");
      }),
    ).rejects.toThrow("crash");
    expect((await services.points.balance(ctx, p)).available).toBe(0);
    await drainTimers();
    expect((await services.points.balance(ctx, p)).available).toBe(7);
    expect((await messagesOf(database.db, id)).length).toBe(1);
    // Replaying the same step from the stale row cannot commit a second effect.
    await expect(database.db.transaction((tx) => advanceRun(tx, clock.now(), stale!, "next", engine))).rejects.toThrow();
    expect((await services.points.balance(ctx, p)).available).toBe(7);
    expect((await messagesOf(database.db, id)).length).toBe(1);
    // And startRuns with a used key adds nothing.
    const again = await database.db.transaction((tx) =>
      startRuns(tx, clock.now(), [{ workspaceId: ws, journeyId: id, profileId: p, entryKey: "api:k:" + p, trigger: { kind: "api", triggeredAt: clock.now() } }], engine),
    );
    expect(again).toEqual({ started: [], skipped: 1 });
  });

  it("audience rule and rule conditions go through the segments matcher", async () => {
    const ws = await newWorkspace(services);
    const [vip, other] = [await newProfile(database.db, ws), await newProfile(database.db, ws)];
    const id = await liveJourney(services, ws, [node.api(), node.exit()], [edge("t", "end")], {
      audience: { type: "trait", trait: "vip", op: "eq", value: true },
    });
    const engine = { effects: journeyEffects({ clock, matchRule: async (_tx, _ws, _rule, ids) => new Set(ids.filter((x) => x === vip)) }), cache: new VersionCache() };
    const result = await database.db.transaction((tx) =>
      startRuns(
        tx,
        clock.now(),
        [vip, other].map((profileId) => ({ workspaceId: ws, journeyId: id, profileId, entryKey: `seg:${profileId}`, trigger: { kind: "segment_entered", triggeredAt: clock.now() } })),
        engine,
      ),
    );
    expect(result.started).toHaveLength(1);
    expect((await runsOf(database.db, id)).map((r) => r.profile_id)).toEqual([vip]);
  });

  it("a published edit is a new version; runs in progress finish on theirs", async () => {
    clock.set("2026-07-08T04:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const [first, second] = [templates.add("sms"), templates.add("sms")];
    const p1 = await newProfile(database.db, ws);
    const p2 = await newProfile(database.db, ws);
    const graph = (tpl: string) => ({
      nodes: [node.api(), node.wait("w", { kind: "duration", minutes: 60 }), node.action("send", { kind: "send", channel: "sms" as const, templateId: tpl }), node.exit()],
      edges: [edge("t", "w"), edge("w", "send"), edge("send", "end")],
    });
    const j = await services.journeys.create(ctx, { name: "Versions", description: "", graph: graph(first), playbook: null });
    await services.journeys.publish(ctx, j.id);
    await enter(ws, j.id, [p1]);
    const edited = await services.journeys.update(ctx, j.id, { name: "Versions", description: "", graph: graph(second), settings: (await services.journeys.get(ctx, j.id)).settings });
    expect(edited).toMatchObject({ liveVersion: 1, hasDraftChanges: true });
    expect(await services.journeys.publish(ctx, j.id)).toMatchObject({ liveVersion: 2, hasDraftChanges: false, status: "live" });
    await enter(ws, j.id, [p2]);
    clock.advance(HOUR);
    await drainTimers();
    const msgs = await messagesOf(database.db, j.id);
    const byRun = new Map((await runsOf(database.db, j.id)).map((r) => [r.id, r]));
    const tplOf = async (key: string) => (await rows<{ template_id: string }>(database.db, sql`select template_id from messages where idempotency_key = ${key}`))[0]!.template_id;
    const v1 = msgs.find((m) => byRun.get(m.run_id)!.profile_id === p1)!;
    const v2 = msgs.find((m) => byRun.get(m.run_id)!.profile_id === p2)!;
    expect([v1.journey_version, await tplOf(v1.idempotency_key)]).toEqual([1, first]);
    expect([v2.journey_version, await tplOf(v2.idempotency_key)]).toEqual([2, second]);
  });

  it("pausing stops entries, archiving exits the runs; only a never-published journey can be deleted", async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const p = await newProfile(database.db, ws);
    const id = await liveJourney(services, ws, [node.api(), node.wait("w", { kind: "duration", minutes: 60 }), node.exit()], [edge("t", "w"), edge("w", "end")]);
    await services.journeys.pause(ctx, id);
    await expect(enter(ws, id, [p])).rejects.toMatchObject({ code: "journeys.not_live" });
    await services.journeys.resume(ctx, id);
    await enter(ws, id, [p]);
    await expect(services.journeys.remove(ctx, id)).rejects.toMatchObject({ code: "journeys.not_draft" });
    await services.journeys.archive(ctx, id);
    expect((await runsOf(database.db, id))[0]).toMatchObject({ status: "exited" });
    await expect(services.journeys.resume(ctx, id)).rejects.toMatchObject({ code: "journeys.wrong_status" });
  });

  it("a run of a customer merged without the merge being followed carries on as the survivor's at its next move, down the whole chain", async () => {
    clock.set("2026-07-08T04:00:00Z");
    const ws = await newWorkspace(services);
    const sms = templates.add("sms");
    const [a, b, c, d, e] = [await newProfile(database.db, ws), await newProfile(database.db, ws), await newProfile(database.db, ws), await newProfile(database.db, ws), await newProfile(database.db, ws)];
    const id = await liveJourney(
      services,
      ws,
      [node.api(), node.wait("w", { kind: "duration", minutes: 5 }), node.action("send", { kind: "send", channel: "sms", templateId: sms }), node.exit()],
      [edge("t", "w"), edge("w", "send"), edge("send", "end")],
    );
    await enter(ws, id, [a, d, e]);
    const entered = await runsOf(database.db, id);
    const [ra, rd, re] = [a, d, e].map((p) => entered.find((r) => r.profile_id === p)!);
    // Merged outside the projector (as merges made before runs followed them): a → b → c, and d into e, who is inside too.
    await database.db.execute(sql`update profiles set merged_into = ${b}::uuid where id = ${a}::uuid`);
    await database.db.execute(sql`update profiles set merged_into = ${c}::uuid where id = ${b}::uuid`);
    await database.db.execute(sql`update profiles set merged_into = ${e}::uuid where id = ${d}::uuid`);
    clock.advance(5 * MIN);
    await drainTimers();
    const after = new Map((await runsOf(database.db, id)).map((r) => [r.id, r]));
    expect(after.get(ra!.id)).toMatchObject({ profile_id: c, status: "completed" });
    expect(after.get(re!.id)).toMatchObject({ profile_id: e, status: "completed" });
    expect(after.get(rd!.id)).toMatchObject({ profile_id: e, status: "exited" });
    expect(await stepsOf(database.db, rd!.id)).toEqual(["t:entered", "w:waiting"]);
    // Each message once, to the survivor.
    const sent = await rows<{ run_id: string; profile_id: string }>(database.db, sql`select run_id, profile_id from messages where journey_id = ${id}::uuid`);
    expect(new Map(sent.map((m) => [m.run_id, m.profile_id]))).toEqual(new Map([[ra!.id, c], [re!.id, e]]));
    expect(sent).toHaveLength(2);
    // An API entry by an old id enters the end of its chain.
    const other = await liveJourney(services, ws, [node.api(), node.exit()], [edge("t", "end")]);
    expect((await enter(ws, other, [a])).items).toMatchObject([{ profileId: a, status: "started" }]);
    expect((await runsOf(database.db, other)).map((r) => r.profile_id)).toEqual([c]);
  });
});

describe("live journeys for the trigger sources", () => {
  it("lists live journeys by trigger kind (paused and drafts are not live)", async () => {
    const ws = await newWorkspace(services);
    const api = await liveJourney(services, ws, [node.api(), node.exit()], [edge("t", "end")]);
    const seg = await liveJourney(services, ws, [{ ...node.api(), trigger: { kind: "tier_changed", direction: "up", to: null } } as never, node.exit()], [edge("t", "end")]);
    await services.journeys.pause(systemContext(ws), seg);
    const found = await services.journeys.liveJourneys(database.db, ws, ["api", "tier_changed"]);
    expect(found.map((j) => [j.journeyId, j.trigger.kind])).toEqual([[api, "api"]]);
    expect(await services.journeys.liveJourneys(database.db, null, ["schedule"])).toEqual([]);
  });
});
