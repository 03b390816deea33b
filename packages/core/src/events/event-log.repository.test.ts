import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { newId } from "../shared/ids";
import { trackSeries } from "../warehouse/warehouse.fixtures";
import { appendEvents, EVENTS_PER_JSON_VALUE, lastSeq, readEventsAfter } from "./event-log.repository";

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
});
