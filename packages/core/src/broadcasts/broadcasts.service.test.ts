import { BroadcastBody, CreateWorkspaceBody } from "@siyu/contracts";
import { sql } from "@siyu/storage/orm";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loyaltyServices, newProfile, newSegment } from "../loyalty/loyalty.test-helpers";
import type { CoreServices } from "../services";
import { fixedClock } from "../shared/clock";
import { SYSTEM_ACTOR, systemContext } from "../shared/context";
import { newId } from "../shared/ids";
import { rows } from "../shared/sql-rows";
import { nextOccurrence, occurrenceAt } from "./broadcast-schedule";

let database: TestDatabase;
let services: CoreServices;
const clock = fixedClock("2026-03-02T02:00:00Z");

beforeAll(async () => {
  database = await openTestDatabase();
  services = loyaltyServices(database.db, clock);
});
afterAll(async () => database.close());

async function brand(members: number, timezone = "Asia/Shanghai") {
  const workspaceId = (await services.workspaces.create(CreateWorkspaceBody.parse({ name: `Broadcast brand ${newId().slice(-6)}`, timezone }), SYSTEM_ACTOR)).id;
  const profiles: string[] = [];
  for (let i = 0; i < members; i++) profiles.push(await newProfile(database.db, workspaceId));
  const segmentId = await newSegment(database.db, workspaceId, profiles);
  const ctx = systemContext(workspaceId);
  const template = await services.messaging.templates.create(ctx, { name: "Spring", channel: "sms", content: { "zh-CN": { body: "{{ profile.name }}，春季新品上市" } } });
  return { workspaceId, profiles, segmentId, ctx, templateId: template.id };
}

const outbox = (broadcastId: string) =>
  rows<{ profile_id: string; idempotency_key: string; due_at: Date | string; status: string }>(
    database.db,
    sql`select profile_id, idempotency_key, due_at, status from messages where broadcast_id = ${broadcastId}::uuid order by due_at, profile_id`,
  );

describe("broadcasts", () => {
  it("queue the segment's members at the start time, due times spread by the throttle, and a rerun adds nothing", async () => {
    const { ctx, segmentId, templateId, profiles } = await brand(5);
    const start = new Date(clock.now().getTime() + 10 * 60_000);
    const created = await services.broadcasts.create(ctx, BroadcastBody.parse({ name: "Spring menu", segmentId, channel: "sms", templateId, startAt: start.toISOString(), perMinute: 2 }));
    expect(created).toMatchObject({ status: "scheduled", nextAt: start.toISOString(), queued: 0 });

    // Not yet due: nothing moves.
    expect(await services.broadcasts.runDue()).toBe(0);
    clock.set(start);
    expect(await services.broadcasts.runDue()).toBe(5);
    const queued = await outbox(created.id);
    expect(queued.map((m) => new Date(m.due_at).getTime() - start.getTime())).toEqual([0, 30_000, 60_000, 90_000, 120_000]);
    expect(new Set(queued.map((m) => m.profile_id))).toEqual(new Set(profiles));
    expect(queued.every((m) => m.status === "queued" && m.idempotency_key === `broadcast:${created.id}:0:${m.profile_id}`)).toBe(true);
    expect(await services.broadcasts.get(ctx, created.id)).toMatchObject({ status: "sent", nextAt: null, queued: 5 });

    clock.advance(60_000);
    expect(await services.broadcasts.runDue()).toBe(0);
    expect(await outbox(created.id)).toHaveLength(5);
  });

  it("resume after a crash between batches (and inside one) with exactly one message per member", async () => {
    const { ctx, segmentId, templateId, profiles } = await brand(7);
    const b = await services.broadcasts.create(ctx, BroadcastBody.parse({ name: "Crash", segmentId, channel: "sms", templateId, perMinute: 60 }));
    // The process dies right after the first batch commits.
    await expect(services.broadcasts.runDue({ batchSize: 3, hooks: { afterBatch: () => Promise.reject(new Error("killed")) } })).rejects.toThrow("killed");
    expect(await outbox(b.id)).toHaveLength(3);
    // The next batch dies before its commit: rolled back whole.
    await expect(services.broadcasts.runDue({ batchSize: 3, hooks: { beforeCommit: () => Promise.reject(new Error("killed")) } })).rejects.toThrow("killed");
    expect(await outbox(b.id)).toHaveLength(3);
    expect(await services.broadcasts.runDue({ batchSize: 3 })).toBe(4);
    const messages = await outbox(b.id);
    expect(messages.map((m) => m.profile_id).sort()).toEqual([...profiles].sort());
    expect((await services.broadcasts.get(ctx, b.id)).queued).toBe(7);
    // The throttle's slots survive the crash: one a second, in order, from the occurrence's start.
    const first = new Date(messages[0]!.due_at).getTime();
    expect(messages.map((m) => new Date(m.due_at).getTime() - first)).toEqual([0, 1, 2, 3, 4, 5, 6].map((s) => s * 1000));
  });

  it("repeat every N days at the start's local time across a DST change, and cancel stops future occurrences", async () => {
    const { ctx, segmentId, templateId } = await brand(2, "America/New_York");
    // Saturday 7 March 2026, 10:00 EST; DST starts on Sunday 8 March.
    clock.set("2026-03-07T14:00:00Z");
    const b = await services.broadcasts.create(ctx, BroadcastBody.parse({ name: "Daily", segmentId, channel: "sms", templateId, startAt: "2026-03-07T15:00:00Z", repeatEveryDays: 1 }));
    clock.set("2026-03-07T15:00:30Z");
    expect(await services.broadcasts.runDue()).toBe(2);
    // Recurring: still scheduled, next at 10:00 EDT (14:00 UTC).
    expect(await services.broadcasts.get(ctx, b.id)).toMatchObject({ status: "scheduled", nextAt: "2026-03-08T14:00:00.000Z", queued: 2 });
    clock.set("2026-03-08T14:00:00Z");
    expect(await services.broadcasts.runDue()).toBe(2);
    const keys = (await outbox(b.id)).map((m) => m.idempotency_key.split(":")[2]);
    expect(keys.sort()).toEqual(["0", "0", "1", "1"]);

    const cancelled = await services.broadcasts.cancel(ctx, b.id);
    expect(cancelled).toMatchObject({ status: "cancelled", nextAt: null });
    clock.set("2026-03-10T15:00:00Z");
    expect(await services.broadcasts.runDue()).toBe(0);
    expect(await outbox(b.id)).toHaveLength(4);
    await expect(services.broadcasts.cancel(ctx, b.id)).rejects.toMatchObject({ code: "broadcasts.not_cancellable" });
  });

  it("cancel during a send stops the batches still to come", async () => {
    const { ctx, segmentId, templateId } = await brand(6);
    const b = await services.broadcasts.create(ctx, BroadcastBody.parse({ name: "Big", segmentId, channel: "sms", templateId }));
    expect(await services.broadcasts.runDue({ batchSize: 2, maxBatches: 1 })).toBe(2);
    expect((await services.broadcasts.get(ctx, b.id)).status).toBe("sending");
    await services.broadcasts.cancel(ctx, b.id);
    expect(await services.broadcasts.runDue({ batchSize: 2 })).toBe(0);
    expect(await outbox(b.id)).toHaveLength(2);
  });

  it("refuse a segment or template of another workspace, a template of another channel, a start in the past, an unknown broadcast", async () => {
    const one = await brand(1);
    const other = await brand(1);
    const { templateId } = one;
    await expect(services.broadcasts.create(one.ctx, BroadcastBody.parse({ name: "X", segmentId: other.segmentId, channel: "sms", templateId }))).rejects.toMatchObject({
      code: "broadcasts.segment_not_found",
      details: { path: "segmentId" },
    });
    const past = new Date(clock.now().getTime() - 3_600_000).toISOString();
    await expect(services.broadcasts.create(one.ctx, BroadcastBody.parse({ name: "X", segmentId: one.segmentId, channel: "sms", templateId, startAt: past }))).rejects.toMatchObject({
      code: "broadcasts.start_in_past",
    });
    await expect(services.broadcasts.get(one.ctx, newId())).rejects.toMatchObject({ code: "broadcasts.not_found" });
    // Another workspace's template, and a template of another channel, are refused on templateId.
    await expect(services.broadcasts.create(one.ctx, BroadcastBody.parse({ name: "X", segmentId: one.segmentId, channel: "sms", templateId: other.templateId }))).rejects.toMatchObject({
      code: "broadcasts.template_not_found",
      details: { path: "templateId" },
    });
    await expect(services.broadcasts.create(one.ctx, BroadcastBody.parse({ name: "X", segmentId: one.segmentId, channel: "wecom", templateId }))).rejects.toMatchObject({
      code: "broadcasts.template_channel",
      details: { path: "templateId" },
    });
    const mine = await services.broadcasts.create(one.ctx, BroadcastBody.parse({ name: "Mine", segmentId: one.segmentId, channel: "sms", templateId, startAt: new Date(clock.now().getTime() + 60_000).toISOString() }));
    await expect(services.broadcasts.get(other.ctx, mine.id)).rejects.toMatchObject({ code: "broadcasts.not_found" });
    expect((await services.broadcasts.list(one.ctx)).map((x) => x.id)).toEqual([mine.id]);
  });
});

describe("broadcast schedule", () => {
  it("keeps the local time across DST and skips occurrences missed while down", () => {
    const start = new Date("2026-10-24T01:00:00Z"); // 09:00 in Shanghai (no DST)
    expect(occurrenceAt(start, 7, 1, "Asia/Shanghai").toISOString()).toBe("2026-10-31T01:00:00.000Z");
    // London leaves summer time on 25 October: 09:00 BST = 08:00Z, then 09:00 GMT = 09:00Z.
    const london = new Date("2026-10-24T08:00:00Z");
    expect(occurrenceAt(london, 1, 2, "Europe/London").toISOString()).toBe("2026-10-26T09:00:00.000Z");
    expect(nextOccurrence(london, 1, 0, new Date("2026-10-30T12:00:00Z"), "Europe/London")).toEqual({ index: 7, at: new Date("2026-10-31T09:00:00.000Z") });
  });
});
