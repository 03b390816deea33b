import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { newId } from "../shared/ids";
import { trackSeries } from "../warehouse/warehouse.fixtures";
import { sql } from "@siyu/storage/orm";
import { consumeEventBatch, consumerPosition } from "./event-consumer";
import { appendEvents, EVENTS_PER_JSON_VALUE, lastSeq, readEventsAfter } from "./event-log.repository";
import { eventReadsOf } from "./event-reads";

let database: TestDatabase;

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());

describe("reading the event log", () => {
  it("gives every event of a batch that spans several JSON values, in log order and as sent", async () => {
    const workspace = newId();
    const sent = trackSeries(EVENTS_PER_JSON_VALUE * 2 + 37, "2026-11-01T00:00:00Z");
    const start = await lastSeq(database.db);
    await appendEvents(database.db, workspace, sent.slice(0, 150));
    await appendEvents(database.db, workspace, sent.slice(150));

    const all = await readEventsAfter(database.db, start, 10_000);
    expect(all.map((e) => e.messageId)).toEqual(sent.map((m) => m.messageId));
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => start + 1 + i));
    expect(all[3]).toMatchObject({ workspaceId: workspace, type: "track", event: "Product Viewed", userId: "u1", ts: sent[3]!.ts });
    expect(all[3]!.payload).toEqual(sent[3]!.payload);

    // A window that starts mid-way and stops short of the end.
    const window = await readEventsAfter(database.db, start + 190, 210);
    expect(window.map((e) => e.messageId)).toEqual(sent.slice(190, 400).map((m) => m.messageId));
  });

  it("hands a consumer only the events it names, and moves its offset past the others", async () => {
    const workspace = newId();
    const start = await lastSeq(database.db);
    // Orders among page views: the 2nd, 5th and 9th of ten, then 5 views more.
    const views = trackSeries(15, "2026-11-02T00:00:00Z");
    const orders = trackSeries(3, "2026-11-02T00:00:00Z", "Order Completed");
    const sent = [views[0]!, orders[0]!, views[1]!, views[2]!, orders[1]!, views[3]!, views[4]!, views[5]!, orders[2]!, views[6]!, ...views.slice(7)];
    await appendEvents(database.db, workspace, sent);
    await database.db.execute(sql`insert into events_consumer_offsets (consumer, position, updated_at) values ('test.orders', ${start}, now())`);

    const seen: string[][] = [];
    const step = () => consumeEventBatch(database.db, "test.orders", 6, async (_, events) => void seen.push(events.map((e) => e.messageId)), { named: ["Order Completed"] });
    expect(await step()).toBe(6);
    expect(await consumerPosition(database.db, "test.orders")).toBe(start + 6);
    expect(await step()).toBe(6);
    // A window without a named event moves the offset and calls nothing.
    expect(await step()).toBe(6);
    expect(await step()).toBe(0);
    expect(await consumerPosition(database.db, "test.orders")).toBe(start + 18);
    expect(seen).toEqual([[orders[0]!.messageId, orders[1]!.messageId], [orders[2]!.messageId]]);
  });
});

describe("consumers behind another", () => {
  it("take what the consumer ahead read from memory, until the log's rows are deleted and the reads forgotten, or a batch fails", async () => {
    const workspace = newId();
    const start = await lastSeq(database.db);
    const sent = trackSeries(10, "2026-11-03T00:00:00Z");
    await appendEvents(database.db, workspace, sent);
    await database.db.execute(sql`
      insert into events_consumer_offsets (consumer, position, updated_at)
      values ('test.ahead', ${start}, now()), ('test.behind', ${start}, now()), ('test.failing', ${start}, now())`);
    const ahead: string[] = [];
    expect(await consumeEventBatch(database.db, "test.ahead", 100, async (_, events) => void ahead.push(...events.map((e) => e.messageId)))).toBe(10);
    expect(ahead).toEqual(sent.map((m) => m.messageId));

    // The rows go behind the kept reads' back: the consumer behind is still handed them, so it was not the store that answered.
    await database.db.execute(sql`delete from events_log where workspace_id = ${workspace}`);
    const behindAhead = { upTo: (tx: typeof database.db) => consumerPosition(tx, "test.ahead") };
    const behind: string[] = [];
    expect(await consumeEventBatch(database.db, "test.behind", 4, async (_, events) => void behind.push(...events.map((e) => e.messageId)), behindAhead)).toBe(4);
    expect(behind).toEqual(sent.slice(0, 4).map((m) => m.messageId));

    // A failed batch forgets what was kept: its retry reads the store, which no longer has the events.
    const fail = () => consumeEventBatch(database.db, "test.failing", 4, async () => Promise.reject(new Error("handler failed")), behindAhead);
    await expect(fail()).rejects.toThrow("handler failed");
    expect(await consumeEventBatch(database.db, "test.failing", 4, async () => undefined, behindAhead)).toBe(0);

    // Whoever deletes log rows forgets the reads (the demo's rebuild does, through services.forgetEventReads).
    await appendEvents(database.db, workspace, trackSeries(3, "2026-11-04T00:00:00Z"));
    expect(await consumeEventBatch(database.db, "test.ahead", 100, async () => undefined)).toBe(3);
    eventReadsOf(database.db).forget();
    await database.db.execute(sql`delete from events_log where workspace_id = ${workspace}`);
    expect(await consumeEventBatch(database.db, "test.behind", 100, async () => undefined, behindAhead)).toBe(0);
  });
});
