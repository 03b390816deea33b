import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoreServices } from "../../services";
import { fixedClock } from "../../shared/clock";
import { systemContext } from "../../shared/context";
import { edge, fakeTemplates, journeyServices, liveJourney, messagesOf, newWorkspace, node, runsOf, sendEvents, stepsOf } from "../journeys.test-helpers";

let database: TestDatabase;
let services: CoreServices;
const clock = fixedClock("2026-07-08T04:00:00Z");
const templates = fakeTemplates();
const HOUR = 3_600_000;

beforeAll(async () => {
  database = await openTestDatabase();
  services = journeyServices(database.db, clock, templates);
});
afterAll(async () => {
  await database?.close();
});

const send = (ws: string, items: Record<string, unknown>[]) => sendEvents(services, clock, ws, items);
async function profileOf(ws: string, userId: string) {
  return (await services.profiles.list(systemContext(ws), { limit: 5, q: userId }, await services.identity.settings(ws))).items[0]!.id;
}

/** Cart Added → wait up to 2 h for Order Completed → "bought" exit, or a reminder SMS on the timeout. */
function cartWaitJourney(ws: string) {
  const nudge = templates.add("sms");
  return liveJourney(
    services,
    ws,
    [
      node.event("Cart Added"),
      node.wait("w", { kind: "until_event", event: "Order Completed", where: [], timeoutMinutes: 120 }),
      node.action("nudge", { kind: "send", channel: "sms", templateId: nudge }),
      node.exit(),
      node.exit("bought"),
    ],
    [edge("t", "w"), edge("w", "bought", "event"), edge("w", "nudge", "timeout"), edge("nudge", "end")],
  );
}

describe(`journeys trigger consumer (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("starts runs for matching events only, behind the projector, once per event", async () => {
    clock.set("2026-07-08T04:00:00Z");
    const ws = await newWorkspace(services);
    const sms = templates.add("sms", ["event.properties.product"]);
    const id = await liveJourney(
      services,
      ws,
      [node.event("Cart Added", { where: [{ property: "price", op: "gte", value: 100 }] }), node.action("send", { kind: "send", channel: "sms", templateId: sms }), node.exit()],
      [edge("t", "send"), edge("send", "end")],
    );
    await services.ingest(ws, [{ messageId: "early", type: "track", userId: "u1", event: "Cart Added", properties: { price: 150, product: "Tea" }, timestamp: clock.now().toISOString() }]);
    // Nothing is anchored yet: the consumer does not run ahead of the projector.
    expect(await services.journeyTriggersNextBatch()).toBe(0);
    while ((await services.projectNextBatch()) > 0);
    while ((await services.journeyTriggersNextBatch()) > 0);
    await send(ws, [{ userId: "u2", event: "Cart Added", properties: { price: 20 } }]);
    const runs = await runsOf(database.db, id);
    expect(runs.map((r) => r.profile_id)).toEqual([await profileOf(ws, "u1")]);
    const [msg] = await messagesOf(database.db, id);
    expect(msg!.variables.event).toMatchObject({ name: "Cart Added", properties: { price: 150, product: "Tea" } });
  });

  it("count: the customer enters when the matching events in the window reach atLeast", async () => {
    clock.set("2026-07-08T04:00:00Z");
    const ws = await newWorkspace(services);
    const id = await liveJourney(services, ws, [node.event("Product Viewed", { count: { atLeast: 3, withinDays: 7 } }), node.exit()], [edge("t", "end")], { entry: { mode: "once" } });
    await send(ws, [{ userId: "v", event: "Product Viewed" }]);
    clock.advance(24 * HOUR);
    await send(ws, [{ userId: "v", event: "Product Viewed" }]);
    expect(await runsOf(database.db, id)).toHaveLength(0);
    clock.advance(24 * HOUR);
    await send(ws, [{ userId: "v", event: "Product Viewed" }]);
    expect(await runsOf(database.db, id)).toHaveLength(1);
    // Views spread beyond the window do not count.
    clock.advance(24 * HOUR);
    await send(ws, [{ userId: "w", event: "Product Viewed" }]);
    clock.advance(8 * 24 * HOUR);
    await send(ws, [{ userId: "w", event: "Product Viewed" }, { userId: "w", event: "Product Viewed" }]);
    expect(await runsOf(database.db, id)).toHaveLength(1);
  });

  it("a wait for an event leaves by 'event' when it comes (even in the same batch), by 'timeout' otherwise", async () => {
    clock.set("2026-07-08T04:00:00Z");
    const ws = await newWorkspace(services);
    const id = await cartWaitJourney(ws);
    await send(ws, [{ userId: "buyer", event: "Cart Added" }]);
    await send(ws, [{ userId: "idle", event: "Cart Added" }]);
    await send(ws, [{ userId: "fast", event: "Cart Added" }, { userId: "fast", event: "Order Completed", properties: { order_id: "f-1", total: 10 } }]);
    clock.advance(HOUR);
    await send(ws, [{ userId: "buyer", event: "Order Completed", properties: { order_id: "o-1", total: 99 } }]);
    clock.advance(2 * HOUR);
    while ((await services.journeyTimersNextBatch()) > 0);
    const runs = await runsOf(database.db, id);
    const ids = { buyer: await profileOf(ws, "buyer"), idle: await profileOf(ws, "idle"), fast: await profileOf(ws, "fast") };
    const run = (u: keyof typeof ids) => runs.find((r) => r.profile_id === ids[u])!;
    expect(run("buyer")).toMatchObject({ status: "completed", current_node_id: "bought" });
    expect(run("fast")).toMatchObject({ status: "completed", current_node_id: "bought" });
    expect(run("idle")).toMatchObject({ status: "completed", current_node_id: "end" });
    expect(await stepsOf(database.db, run("idle").id)).toEqual(["t:entered", "w:waiting", "nudge:queued", "end:exit"]);
    expect((await messagesOf(database.db, id)).map((m) => m.run_id)).toEqual([run("idle").id]);
  });

  it("a wait's timeout holds while the consumer has not read an event received before it: the order takes the 'event' branch", async () => {
    clock.set("2026-07-09T04:00:00Z");
    const ws = await newWorkspace(services);
    const id = await cartWaitJourney(ws);
    await send(ws, [{ userId: "late-buyer", event: "Cart Added" }, { userId: "idler", event: "Cart Added" }]);
    clock.advance(HOUR);
    // The order is in the log an hour into the wait, but the projector and the consumer are behind.
    expect((await services.ingest(ws, [{ messageId: "late-order", type: "track", userId: "late-buyer", event: "Order Completed", properties: { order_id: "lo-1", total: 50 }, timestamp: clock.now().toISOString() }])).errors ?? []).toEqual([]);
    clock.advance(2 * HOUR);
    // Both timeouts are due, but an event received before them is unread: neither moves yet.
    expect(await services.journeyTimersNextBatch()).toBe(0);
    const ids = { buyer: await profileOf(ws, "late-buyer"), idler: await profileOf(ws, "idler") };
    expect((await runsOf(database.db, id)).every((r) => r.status === "active" && r.current_node_id === "w")).toBe(true);
    while ((await services.projectNextBatch()) > 0);
    while ((await services.journeyTriggersNextBatch()) > 0);
    while ((await services.journeyTimersNextBatch()) > 0);
    const runs = await runsOf(database.db, id);
    expect(runs.find((r) => r.profile_id === ids.buyer)).toMatchObject({ status: "completed", current_node_id: "bought" });
    expect(runs.find((r) => r.profile_id === ids.idler)).toMatchObject({ status: "completed", current_node_id: "end" });
    expect((await messagesOf(database.db, id)).map((m) => m.run_id)).toEqual([runs.find((r) => r.profile_id === ids.idler)!.id]);
  });

  it("goal: an order within the window ends the run as goal_reached with its revenue; holdout conversions count apart", async () => {
    clock.set("2026-07-08T04:00:00Z");
    const ws = await newWorkspace(services);
    const id = await liveJourney(
      services,
      ws,
      [node.event("Signed Up"), node.wait("w", { kind: "duration", minutes: 24 * 60 }), node.exit()],
      [edge("t", "w"), edge("w", "end")],
      { goal: { event: "Order Completed", withinHours: 48 }, holdoutPercent: 50 },
    );
    const users = Array.from({ length: 16 }, (_, i) => `g${i}`);
    await send(ws, users.map((userId) => ({ userId, event: "Signed Up" })));
    clock.advance(HOUR);
    await send(ws, users.map((userId, i) => ({ userId, event: "Order Completed", properties: { order_id: `g-${i}`, total: 88 } })));
    const runs = await runsOf(database.db, id);
    expect(runs).toHaveLength(16);
    expect(runs.every((r) => r.status === "goal_reached")).toBe(true);
    const report = await services.journeys.report(systemContext(ws), id);
    const held = runs.filter((r) => r.holdout).length;
    expect(held).toBeGreaterThan(0);
    expect(report).toMatchObject({ goalReached: 16 - held, holdout: { entered: held, goalReached: held }, revenue: { journey: (16 - held) * 8800, holdout: held * 8800, currency: "CNY" } });
    // An order after the window does not count.
    const late = await liveJourney(services, ws, [node.event("Late Sign"), node.exit()], [edge("t", "end")], { goal: { event: "Order Completed", withinHours: 1 } });
    await send(ws, [{ userId: "g0", event: "Late Sign" }]);
    clock.advance(2 * HOUR);
    await send(ws, [{ userId: "g0", event: "Order Completed", properties: { order_id: "late", total: 5 } }]);
    expect((await services.journeys.report(systemContext(ws), late)).goalReached).toBe(0);
  });

  it("events from before the trigger went live enter nobody: read late (the consumer was behind at the publish) or sent late with an old timestamp", async () => {
    clock.set("2026-07-09T04:00:00Z");
    const ws = await newWorkspace(services);
    // Only ingested and projected: the trigger consumer is behind.
    const ingestOnly = (items: Record<string, unknown>[]) => sendEvents(services, clock, ws, items, { triggers: false });
    await ingestOnly([{ userId: "before", event: "Cart Added" }]);
    clock.advance(HOUR);
    const body = (event: string) => ({ name: "Cart", graph: { nodes: [node.event(event), node.exit()], edges: [edge("t", "end")] } });
    const ctx = systemContext(ws);
    const journey = await services.journeys.create(ctx, body("Cart Added"));
    await services.journeys.publish(ctx, journey.id);
    const liveAt = clock.now();
    clock.advance(HOUR);
    // Received after the publish but saying it happened the day before (an offline client, a history import).
    await ingestOnly([{ userId: "old-stamp", event: "Cart Added", timestamp: new Date(liveAt.getTime() - 24 * HOUR).toISOString() }]);
    await ingestOnly([{ userId: "after", event: "Cart Added" }]);
    while ((await services.journeyTriggersNextBatch()) > 0);
    expect(await runsOf(database.db, journey.id)).toEqual([expect.objectContaining({ profile_id: await profileOf(ws, "after") })]);

    // A new version with the same trigger keeps the trigger's live-since: an event between the two publishes, read after the second, enters.
    clock.advance(HOUR);
    await ingestOnly([{ userId: "between", event: "Cart Added" }]);
    clock.advance(HOUR);
    await services.journeys.update(ctx, journey.id, { ...body("Cart Added"), description: "v2" });
    await services.journeys.publish(ctx, journey.id);
    // One that changes the trigger moves it: a Signed Up from before this publish enters nobody.
    await ingestOnly([{ userId: "early-signup", event: "Signed Up" }]);
    while ((await services.journeyTriggersNextBatch()) > 0);
    clock.advance(HOUR);
    await services.journeys.update(ctx, journey.id, body("Signed Up"));
    await ingestOnly([{ userId: "queued-signup", event: "Signed Up" }]);
    clock.advance(60_000);
    await services.journeys.publish(ctx, journey.id);
    clock.advance(HOUR);
    await ingestOnly([{ userId: "new-signup", event: "Signed Up" }]);
    while ((await services.journeyTriggersNextBatch()) > 0);
    const entered = new Set((await runsOf(database.db, journey.id)).map((r) => r.profile_id));
    const expected = await Promise.all(["after", "between", "new-signup"].map((u) => profileOf(ws, u)));
    expect(entered).toEqual(new Set(expected));
  });

  it("events from while the journey was paused enter nobody, even when read after the resume; later ones enter", async () => {
    clock.set("2026-07-10T04:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const ingestOnly = (items: Record<string, unknown>[]) => sendEvents(services, clock, ws, items, { triggers: false });
    const id = await liveJourney(services, ws, [node.event("Cart Added"), node.exit()], [edge("t", "end")]);
    clock.advance(HOUR);
    await ingestOnly([{ userId: "live", event: "Cart Added" }]);
    while ((await services.journeyTriggersNextBatch()) > 0);
    await services.journeys.pause(ctx, id);
    clock.advance(HOUR);
    // The consumer is behind: these are read only after the resume.
    await ingestOnly([{ userId: "paused", event: "Cart Added" }]);
    clock.advance(HOUR);
    await services.journeys.resume(ctx, id);
    clock.advance(60_000);
    await ingestOnly([{ userId: "resumed", event: "Cart Added" }]);
    while ((await services.journeyTriggersNextBatch()) > 0);
    const entered = new Set((await runsOf(database.db, id)).map((r) => r.profile_id));
    expect(entered).toEqual(new Set(await Promise.all(["live", "resumed"].map((u) => profileOf(ws, u)))));
    // Resuming a journey that is live already is no new start: it changes nothing.
    const before = (await services.journeys.liveJourneys(database.db, ws, ["event"]))[0]!.liveSince;
    clock.advance(HOUR);
    await services.journeys.resume(ctx, id);
    expect((await services.journeys.liveJourneys(database.db, ws, ["event"]))[0]!.liveSince).toEqual(before);
  });

  it("waits until a local time in the workspace's zone (America/New_York, across the spring DST change)", async () => {
    clock.set("2026-03-07T16:00:00Z");
    const ws = await newWorkspace(services, "America/New_York");
    const id = await liveJourney(services, ws, [node.api(), node.wait("w", { kind: "until_time", at: "10:00", weekdays: [] }), node.exit()], [edge("t", "w"), edge("w", "end")]);
    await services.ingest(ws, [{ messageId: "ny-1", type: "identify", userId: "ny", traits: { name: "NY" }, timestamp: clock.now().toISOString() }]);
    while ((await services.projectNextBatch()) > 0);
    await services.journeys.enter(systemContext(ws), id, { entries: [{ profileId: await profileOf(ws, "ny"), idempotencyKey: "ny", variables: {} }] });
    const [run] = await runsOf(database.db, id);
    expect(new Date(run!.due_at!).toISOString()).toBe("2026-03-08T14:00:00.000Z");
    clock.set("2026-03-08T13:59:00Z");
    expect(await services.journeyTimersNextBatch()).toBe(0);
    clock.set("2026-03-08T14:00:00Z");
    expect(await services.journeyTimersNextBatch()).toBe(1);
    expect((await runsOf(database.db, id))[0]).toMatchObject({ status: "completed" });
  });
});
