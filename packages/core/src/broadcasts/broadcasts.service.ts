import { and, desc, eq } from "@siyu/storage/orm";
import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { BroadcastBody, BroadcastDto, Channel, MessageCategory } from "@siyu/contracts";
import { appendAuditEntry } from "../audit";
import { queueMessages, type QueueMessageRequest } from "../messaging";
import type { Clock } from "../shared/clock";
import type { WorkspaceContext } from "../shared/context";
import { newId } from "../shared/ids";
import { rows } from "../shared/sql-rows";
import { workspaceTimeZone } from "../workspaces";
import { nextOccurrence, throttledDueAt } from "./broadcast-schedule";
import { broadcastErrors } from "./broadcasts.errors";
import { broadcasts } from "./broadcasts.schema";

export interface BroadcastsDeps {
  db: Db;
  clock: Clock;
  /** The channel of a message template in the workspace (the messaging module's), null when there is none. */
  templateChannel: (db: Db, workspaceId: string, templateId: string) => Promise<string | null>;
}

export interface RunBroadcastsOptions {
  /** Messages handed to the outbox per transaction. */
  batchSize?: number;
  /** Batches per run (the schedule calls again). */
  maxBatches?: number;
  /** Test seams: run after a batch commits / just before it commits. */
  hooks?: { afterBatch?: () => Promise<void>; beforeCommit?: () => Promise<void> };
}

type BroadcastRow = typeof broadcasts.$inferSelect;

function toDto(r: BroadcastRow): BroadcastDto {
  return {
    id: r.id,
    name: r.name,
    segmentId: r.segmentId,
    channel: r.channel as Channel,
    templateId: r.templateId,
    category: r.category as MessageCategory,
    startAt: r.startAt.toISOString(),
    repeatEveryDays: r.repeatEveryDays,
    perMinute: r.perMinute,
    status: r.status as BroadcastDto["status"],
    nextAt: r.nextAt?.toISOString() ?? null,
    queued: r.queued,
    createdAt: r.createdAt.toISOString(),
  };
}

async function find(db: Db, ctx: WorkspaceContext, id: string, lock = false): Promise<BroadcastRow> {
  const query = db.select().from(broadcasts).where(and(eq(broadcasts.workspaceId, ctx.workspaceId), eq(broadcasts.id, id)));
  const [row] = lock ? await query.for("update") : await query;
  if (!row) throw broadcastErrors.error("broadcasts.not_found", "No such broadcast");
  return row;
}

export async function createBroadcast(deps: BroadcastsDeps, ctx: WorkspaceContext, body: BroadcastBody): Promise<BroadcastDto> {
  const { db, clock } = deps;
  const now = clock.now();
  const startAt = body.startAt === null ? now : new Date(body.startAt);
  // A minute of slack for a form filled in just before "now".
  if (startAt.getTime() < now.getTime() - 60_000) throw broadcastErrors.error("broadcasts.start_in_past", "The start lies in the past", { path: "startAt" });
  return db.transaction(async (tx) => {
    const [segment] = await rows<{ id: string }>(tx, sql`select id from segments where workspace_id = ${ctx.workspaceId}::uuid and id = ${body.segmentId}::uuid`);
    if (!segment) throw broadcastErrors.error("broadcasts.segment_not_found", "No such segment in this workspace", { path: "segmentId" });
    const templateChannel = await deps.templateChannel(tx, ctx.workspaceId, body.templateId);
    if (templateChannel === null) throw broadcastErrors.error("broadcasts.template_not_found", "No such template in this workspace", { path: "templateId" });
    if (templateChannel !== body.channel) {
      throw broadcastErrors.error("broadcasts.template_channel", `The template is for ${templateChannel}, not ${body.channel}`, { path: "templateId" });
    }
    const [row] = await tx
      .insert(broadcasts)
      .values({
        id: newId(),
        workspaceId: ctx.workspaceId,
        name: body.name,
        segmentId: body.segmentId,
        channel: body.channel,
        templateId: body.templateId,
        category: body.category,
        startAt,
        repeatEveryDays: body.repeatEveryDays,
        perMinute: body.perMinute,
        status: "scheduled",
        nextAt: startAt,
        occurrence: 0,
        queued: 0,
        createdBy: ctx.actor.name,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await appendAuditEntry(tx, clock, ctx, {
      action: "broadcasts.created",
      targetType: "broadcast",
      targetId: row!.id,
      summary: `Broadcast "${body.name}" scheduled for ${startAt.toISOString()}${body.repeatEveryDays ? `, every ${body.repeatEveryDays} day(s)` : ""}`,
    });
    return toDto(row!);
  });
}

export async function cancelBroadcast(deps: BroadcastsDeps, ctx: WorkspaceContext, id: string): Promise<BroadcastDto> {
  const { db, clock } = deps;
  return db.transaction(async (tx) => {
    // Waits for a batch in progress; after this no batch or occurrence of it starts.
    const row = await find(tx, ctx, id, true);
    if (row.status !== "scheduled" && row.status !== "sending") {
      throw broadcastErrors.error("broadcasts.not_cancellable", `The broadcast is ${row.status}`, { status: row.status });
    }
    await tx.execute(sql`delete from broadcast_recipients where broadcast_id = ${id}::uuid`);
    const [updated] = await tx
      .update(broadcasts)
      .set({ status: "cancelled", nextAt: null, updatedAt: clock.now() })
      .where(eq(broadcasts.id, id))
      .returning();
    await appendAuditEntry(tx, clock, ctx, {
      action: "broadcasts.cancelled",
      targetType: "broadcast",
      targetId: id,
      summary: `Broadcast "${row.name}" cancelled after ${row.queued} message(s) queued`,
    });
    return toDto(updated!);
  });
}

/**
 * Starts every due occurrence: one at a time, its segment's current members (as of the segment's
 * last refresh; live profiles only) are copied into the recipients in one statement, numbered in
 * the order the throttle spreads them.
 */
async function startDueOccurrences(db: Db, now: Date): Promise<number> {
  let started = 0;
  for (;;) {
    const done = await db.transaction(async (tx) => {
      const [due] = await rows<{ id: string; workspace_id: string; segment_id: string; occurrence: number }>(
        tx,
        sql`select id, workspace_id, segment_id, occurrence from broadcasts
            where status = 'scheduled' and next_at <= ${now.toISOString()}::timestamptz
            order by next_at, id limit 1 for update skip locked`,
      );
      if (!due) return false;
      await tx.execute(sql`
        insert into broadcast_recipients (broadcast_id, occurrence, ordinal, profile_id)
        select ${due.id}::uuid, ${due.occurrence}::int, (row_number() over (order by m.profile_id) - 1)::int, m.profile_id
        from segment_members m join profiles p on p.id = m.profile_id and p.workspace_id = m.workspace_id and p.merged_into is null
        where m.workspace_id = ${due.workspace_id}::uuid and m.segment_id = ${due.segment_id}::uuid
        on conflict do nothing`);
      await tx.update(broadcasts).set({ status: "sending", occurrenceStartedAt: now, updatedAt: now }).where(eq(broadcasts.id, due.id));
      return true;
    });
    if (!done) return started;
    started++;
  }
}

/**
 * Hands the next batch of one sending broadcast to the outbox, in one transaction: the messages
 * (idempotency key `broadcast:<id>:<occurrence>:<profileId>`, due times spread by the throttle),
 * the recipients removed, the counter moved — a crash replays the batch or none of it. With no
 * recipient left the occurrence ends: the next one is scheduled, or the broadcast is sent.
 * Returns the messages queued, or null when no broadcast is sending.
 */
async function queueNextBatch(db: Db, now: Date, batchSize: number, beforeCommit?: () => Promise<void>): Promise<number | null> {
  return db.transaction(async (tx) => {
    const [b] = await tx
      .select()
      .from(broadcasts)
      .where(eq(broadcasts.status, "sending"))
      .orderBy(broadcasts.occurrenceStartedAt, broadcasts.id)
      .limit(1)
      .for("update", { skipLocked: true });
    if (!b) return null;
    const batch = await rows<{ ordinal: number; profile_id: string }>(
      tx,
      sql`select ordinal, profile_id from broadcast_recipients where broadcast_id = ${b.id}::uuid and occurrence = ${b.occurrence}
          order by ordinal limit ${batchSize}`,
    );
    if (batch.length === 0) {
      if (b.repeatEveryDays === null) {
        await tx.update(broadcasts).set({ status: "sent", nextAt: null, updatedAt: now }).where(eq(broadcasts.id, b.id));
      } else {
        const next = nextOccurrence(b.startAt, b.repeatEveryDays, b.occurrence, now, await workspaceTimeZone(tx, b.workspaceId));
        await tx.update(broadcasts).set({ status: "scheduled", occurrence: next.index, nextAt: next.at, updatedAt: now }).where(eq(broadcasts.id, b.id));
      }
      await beforeCommit?.();
      return 0;
    }
    const base = b.occurrenceStartedAt ?? now;
    const requests: QueueMessageRequest[] = batch.map((r) => ({
      workspaceId: b.workspaceId,
      idempotencyKey: `broadcast:${b.id}:${b.occurrence}:${r.profile_id}`,
      profileId: r.profile_id,
      channel: b.channel as Channel,
      category: b.category as MessageCategory,
      templateId: b.templateId,
      variables: { broadcast: { id: b.id, name: b.name, occurrence: b.occurrence } },
      source: { kind: "broadcast", broadcastId: b.id },
      dueAt: throttledDueAt(base, Number(r.ordinal), b.perMinute),
    }));
    const fresh = await queueMessages(tx, now, requests);
    const last = Number(batch[batch.length - 1]!.ordinal);
    await tx.execute(sql`delete from broadcast_recipients where broadcast_id = ${b.id}::uuid and occurrence = ${b.occurrence} and ordinal <= ${last}`);
    await tx.execute(sql`update broadcasts set queued = queued + ${fresh.size}, updated_at = ${now.toISOString()}::timestamptz where id = ${b.id}::uuid`);
    await beforeCommit?.();
    return fresh.size;
  });
}

/** The broadcast job: starts due occurrences, then queues batches. Idempotent; returns the messages queued. */
export async function runBroadcasts(db: Db, clock: Clock, options: RunBroadcastsOptions = {}): Promise<number> {
  const batchSize = options.batchSize ?? 1000;
  const maxBatches = options.maxBatches ?? 100;
  await startDueOccurrences(db, clock.now());
  let queued = 0;
  for (let i = 0; i < maxBatches; i++) {
    const n = await queueNextBatch(db, clock.now(), batchSize, options.hooks?.beforeCommit);
    if (n === null) break;
    queued += n;
    await options.hooks?.afterBatch?.();
  }
  return queued;
}

export function createBroadcastsService(deps: BroadcastsDeps) {
  return {
    list: async (ctx: WorkspaceContext) =>
      (await deps.db.select().from(broadcasts).where(eq(broadcasts.workspaceId, ctx.workspaceId)).orderBy(desc(broadcasts.createdAt), desc(broadcasts.id))).map(toDto),
    get: async (ctx: WorkspaceContext, id: string) => toDto(await find(deps.db, ctx, id)),
    create: (ctx: WorkspaceContext, body: BroadcastBody) => createBroadcast(deps, ctx, body),
    cancel: (ctx: WorkspaceContext, id: string) => cancelBroadcast(deps, ctx, id),
    /** The scheduled job (every minute). */
    runDue: (options?: RunBroadcastsOptions) => runBroadcasts(deps.db, deps.clock, options),
  };
}
export type BroadcastsService = ReturnType<typeof createBroadcastsService>;
