import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { newId } from "../shared/ids";
import { appendProfileEvents, listProfileEventsOf, readProfileEventsAfter } from "./profile-events.repository";

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
});

describe("profile events", () => {
  it("commit with the change that made them, or not at all", async () => {
    const ws = newId();
    const profile = newId();
    const at = new Date("2026-11-01T02:00:00Z");
    await database.db
      .transaction(async (tx) => {
        await appendProfileEvents(tx, at, [{ workspaceId: ws, profileId: profile, kind: "tag.added", payload: { tagId: "t1" } }]);
        throw new Error("the change failed");
      })
      .catch(() => {});
    expect(await listProfileEventsOf(database.db, ws, [profile], { limit: 10 })).toEqual([]);

    await database.db.transaction((tx) =>
      appendProfileEvents(tx, at, [
        { workspaceId: ws, profileId: profile, kind: "tag.added", payload: { tagId: "t1" } },
        { workspaceId: ws, profileId: profile, kind: "segment.entered", payload: { segmentId: "s1" } },
      ]),
    );
    const listed = await listProfileEventsOf(database.db, ws, [profile], { limit: 10 });
    expect(listed.map((e) => e.kind)).toEqual(["segment.entered", "tag.added"]);
    expect(listed[0]!.at.toISOString()).toBe(at.toISOString());
    expect(await listProfileEventsOf(database.db, ws, [profile], { limit: 10, beforeSeq: listed[0]!.seq })).toHaveLength(1);
  });

  it("are read by consumers in log order, a large batch included", async () => {
    const ws = newId();
    const before = await readProfileEventsAfter(database.db, 0, 1_000_000);
    const start = before.length ? before[before.length - 1]!.seq : 0;
    const profiles = Array.from({ length: 12_000 }, () => newId());
    await database.db.transaction((tx) =>
      appendProfileEvents(
        tx,
        new Date(),
        profiles.map((p, i) => ({ workspaceId: ws, profileId: p, kind: "segment.entered", payload: { i } })),
      ),
    );
    const read = await readProfileEventsAfter(database.db, start, 20_000);
    expect(read).toHaveLength(12_000);
    expect(read.map((e) => e.payload.i)).toEqual(profiles.map((_, i) => i));
    expect(read.every((e, i) => i === 0 || e.seq > read[i - 1]!.seq)).toBe(true);
  });
});
