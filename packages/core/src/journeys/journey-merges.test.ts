import { sql } from "@siyu/storage/orm";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoreServices } from "../services";
import { fixedClock } from "../shared/clock";
import { systemContext } from "../shared/context";
import { rows } from "../shared/sql-rows";
import { edge, fakeTemplates, journeyServices, liveJourney, newWorkspace, node, sendEvents, stepsOf } from "./journeys.test-helpers";

// OneID merges customer B into A: B's runs carry on as A's (A's events wake them, A's orders count
// for their goals, later steps reach A), unless A is inside the journey already — then B's run exits.

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

/** The profile an identifier (userId, anonymousId) belongs to now. */
async function profileOf(ws: string, identifier: { type: string; value: string }) {
  const [found] = await services.identity.profilesOfIdentifiers(ws, [identifier]);
  return (found as { profileId: string }).profileId;
}
const mergedInto = async (id: string) =>
  (await rows<{ merged_into: string | null }>(database.db, sql`select merged_into from profiles where id = ${id}::uuid`))[0]!.merged_into;

async function runs(journeyId: string) {
  return rows<{ id: string; profile_id: string; status: string; current_node_id: string | null; error: string | null; goal_reached_at: Date | string | null }>(
    database.db,
    sql`select id, profile_id, status, current_node_id, error, goal_reached_at from journey_runs where journey_id = ${journeyId}::uuid order by entered_at, id`,
  );
}
const messages = (journeyId: string) =>
  rows<{ run_id: string; profile_id: string; node_id: string }>(database.db, sql`select run_id, profile_id, node_id from messages where journey_id = ${journeyId}::uuid order by id`);

/** Cart Added → wait up to 2 h for Order Completed → thanks SMS + 10 points; on the timeout a nudge SMS. Goal: an order within a day. */
function cartJourney(ws: string) {
  const sms = templates.add("sms");
  return liveJourney(
    services,
    ws,
    [
      node.event("Cart Added"),
      node.wait("w", { kind: "until_event", event: "Order Completed", where: [], timeoutMinutes: 120 }),
      node.action("thanks", { kind: "send", channel: "sms", templateId: sms }),
      node.action("points", { kind: "award_points", points: 10, reason: "Thanks" }),
      node.action("nudge", { kind: "send", channel: "sms", templateId: sms }),
      node.exit(),
      node.exit("bought"),
    ],
    [edge("t", "w"), edge("w", "thanks", "event"), edge("thanks", "points"), edge("points", "bought"), edge("w", "nudge", "timeout"), edge("nudge", "end")],
    { goal: { event: "Order Completed", withinHours: 24 } },
  );
}

/** A member (userId) and a kiosk visitor (anonymousId) who turn out to be one person: the kiosk side is merged into the member. */
async function mergeKioskIntoMember(ws: string, member: string, kiosk: string) {
  const before = { member: await profileOf(ws, { type: "user_id", value: member }), kiosk: await profileOf(ws, { type: "anonymous_id", value: kiosk }) };
  await send(ws, [{ type: "identify", userId: member, anonymousId: kiosk }]);
  const [merged, survivor] = (await mergedInto(before.kiosk)) ? [before.kiosk, before.member] : [before.member, before.kiosk];
  expect(await mergedInto(merged)).toBe(survivor);
  expect(await mergedInto(survivor)).toBeNull();
  return { merged, survivor, before };
}

describe(`journey runs follow merges (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("a customer waiting in a journey is merged into another: the survivor's order wakes the run, thanks and points reach the survivor once, the goal counts", async () => {
    clock.set("2026-07-08T04:00:00Z");
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const id = await cartJourney(ws);
    await send(ws, [{ type: "identify", userId: "m-1", traits: { name: "林静" } }]);
    await send(ws, [{ anonymousId: "kiosk-1", event: "Cart Added" }]);
    const [waiting] = await runs(id);
    expect(waiting).toMatchObject({ status: "active", current_node_id: "w" });
    clock.advance(HOUR / 2);
    const { merged, survivor, before } = await mergeKioskIntoMember(ws, "m-1", "kiosk-1");
    // The run was the kiosk visitor's, merged away; it is the survivor's now, still waiting where it was.
    expect([waiting!.profile_id, merged]).toEqual([before.kiosk, before.kiosk]);
    expect(await runs(id)).toMatchObject([{ id: waiting!.id, profile_id: survivor, status: "active", current_node_id: "w" }]);

    // The member orders (an identifier the merged-away side never had): the wait leaves by "event".
    clock.advance(HOUR / 2);
    await send(ws, [{ userId: "m-1", event: "Order Completed", properties: { order_id: "o-1", total: 36 } }]);
    clock.advance(3 * HOUR);
    while ((await services.journeyTimersNextBatch()) > 0);
    const [run] = await runs(id);
    expect(run).toMatchObject({ id: waiting!.id, profile_id: survivor, status: "completed", current_node_id: "bought" });
    expect(run!.goal_reached_at).not.toBeNull();
    expect(await stepsOf(database.db, run!.id)).toEqual(["t:entered", "w:waiting", "thanks:queued", "points:awarded", "bought:exit"]);
    expect(await messages(id)).toEqual([{ run_id: run!.id, profile_id: survivor, node_id: "thanks" }]);
    const points = await rows<{ profile_id: string; delta: number }>(database.db, sql`select profile_id, delta::int as delta from points_entries where idempotency_key like ${`journey:${run!.id}:%`}`);
    expect(points).toEqual([{ profile_id: survivor, delta: 10 }]);
    expect((await services.points.balance(ctx, survivor)).available).toBe(10);
    expect((await services.journeys.report(ctx, id)).goalReached).toBe(1);
    // The console's runs list, asked by the merged-away id, shows the survivor's run.
    const listed = await services.journeys.runs(ctx, id, { profileId: merged, limit: 10 });
    expect(listed.items.map((r) => [r.id, r.profileId])).toEqual([[run!.id, survivor]]);
  });

  it("both were inside the journey: the merged-away customer's run exits saying why, the survivor's goes on alone", async () => {
    clock.set("2026-07-09T04:00:00Z");
    const ws = await newWorkspace(services);
    const id = await cartJourney(ws);
    await send(ws, [{ userId: "m-2", event: "Cart Added" }]);
    await send(ws, [{ anonymousId: "kiosk-2", event: "Cart Added" }]);
    expect((await runs(id)).map((r) => r.status)).toEqual(["active", "active"]);
    const ownerBefore = new Map((await runs(id)).map((r) => [r.id, r.profile_id]));
    clock.advance(HOUR / 2);
    const { merged, survivor } = await mergeKioskIntoMember(ws, "m-2", "kiosk-2");
    const after = await runs(id);
    expect(after.every((r) => r.profile_id === survivor)).toBe(true);
    // The survivor's own run stays; the merged-away customer's exits, saying why.
    const kept = after.find((r) => r.status === "active")!;
    const exited = after.find((r) => r.status === "exited")!;
    expect([ownerBefore.get(kept.id), ownerBefore.get(exited.id)]).toEqual([survivor, merged]);
    expect(exited).toMatchObject({ current_node_id: "w", error: `The customer was merged into ${survivor}, who was already in this journey (run ${kept.id}).` });

    // One order wakes one run: one thanks, and the exited run never times out into a nudge.
    await send(ws, [{ anonymousId: "kiosk-2", event: "Order Completed", properties: { order_id: "o-2", total: 20 } }]);
    clock.advance(3 * HOUR);
    while ((await services.journeyTimersNextBatch()) > 0);
    expect(await runs(id)).toMatchObject([
      { id: after[0]!.id, status: after[0]!.id === kept.id ? "completed" : "exited" },
      { id: after[1]!.id, status: after[1]!.id === kept.id ? "completed" : "exited" },
    ]);
    expect(await messages(id)).toEqual([{ run_id: kept.id, profile_id: survivor, node_id: "thanks" }]);
    // The survivor can enter again later (the partial unique index holds: one active run at most).
    await send(ws, [{ userId: "m-2", event: "Cart Added" }]);
    expect((await runs(id)).filter((r) => r.status === "active").map((r) => r.profile_id)).toEqual([survivor]);
  });

  it("matching events counted towards a trigger's count follow the merge", async () => {
    clock.set("2026-07-10T04:00:00Z");
    const ws = await newWorkspace(services);
    const id = await liveJourney(services, ws, [node.event("Product Viewed", { count: { atLeast: 3, withinDays: 7 } }), node.exit()], [edge("t", "end")]);
    await send(ws, [{ userId: "m-3", event: "Product Viewed" }]);
    await send(ws, [{ anonymousId: "kiosk-3", event: "Product Viewed" }]);
    await send(ws, [{ anonymousId: "kiosk-3", event: "Product Viewed" }]);
    expect(await runs(id)).toEqual([]);
    const { survivor } = await mergeKioskIntoMember(ws, "m-3", "kiosk-3");
    const counts = await rows<{ profile_id: string; count: number }>(database.db, sql`select profile_id, count from journey_trigger_counts where journey_id = ${id}::uuid`);
    expect(counts).toEqual([{ profile_id: survivor, count: 3 }]);
    // Views made before the merge all count: a fourth view crosses atLeast.
    await send(ws, [{ userId: "m-3", event: "Product Viewed" }]);
    expect((await runs(id)).map((r) => r.profile_id)).toEqual([survivor]);
  });
});
