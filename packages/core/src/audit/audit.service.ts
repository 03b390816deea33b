import { and, desc, eq, lt } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { AuditEntryDto, AuditListQuery } from "@siyu/contracts";
import type { Clock } from "../shared/clock";
import type { WorkspaceContext } from "../shared/context";
import { newId } from "../shared/ids";
import { decodeCursor, pageResult } from "../shared/paging";
import { auditEntries } from "./audit.schema";

export interface AuditRecordInput {
  action: string;
  targetType: string;
  targetId: string | null;
  summary: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

/**
 * Appends one audit entry. Callers pass their transaction so the entry commits
 * (or rolls back) with the change it describes.
 */
export async function appendAuditEntry(db: Db, clock: Clock, ctx: WorkspaceContext, input: AuditRecordInput) {
  await appendAuditEntries(db, clock, [{ ctx, input }]);
}

/** Appends many audit entries (each with its own actor) in one statement, in the caller's transaction. */
export async function appendAuditEntries(db: Db, clock: Clock, entries: readonly { ctx: WorkspaceContext; input: AuditRecordInput }[]) {
  if (entries.length === 0) return;
  const at = clock.now();
  await db.insert(auditEntries).values(
    entries.map(({ ctx, input }) => ({
      id: newId(),
      workspaceId: ctx.workspaceId,
      at,
      actorType: ctx.actor.type,
      actorId: ctx.actor.id,
      actorName: ctx.actor.name,
      action: input.action,
      targetType: input.targetType,
      targetId: input.targetId,
      summary: input.summary,
      before: input.before ?? null,
      after: input.after ?? null,
      ip: ctx.ip,
    })),
  );
}

/** Only the keys whose values differ, so an entry says what changed and nothing else. */
export function diffFields<T extends Record<string, unknown>>(before: T, after: T, keys: readonly (keyof T & string)[]) {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const key of keys) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      b[key] = before[key];
      a[key] = after[key];
    }
  }
  return { before: b, after: a };
}

export function createAuditService(deps: { db: Db; clock: Clock }) {
  return {
    record: (ctx: WorkspaceContext, input: AuditRecordInput) => appendAuditEntry(deps.db, deps.clock, ctx, input),
    list: (ctx: WorkspaceContext, query: AuditListQuery) => listAuditEntries(deps.db, ctx, query),
  };
}
export type AuditService = ReturnType<typeof createAuditService>;

async function listAuditEntries(db: Db, ctx: WorkspaceContext, query: AuditListQuery) {
  const cursor = decodeCursor(query.cursor);
  const rows = await db
    .select()
    .from(auditEntries)
    .where(
      and(
        eq(auditEntries.workspaceId, ctx.workspaceId),
        cursor ? lt(auditEntries.id, cursor) : undefined,
        query.action ? eq(auditEntries.action, query.action) : undefined,
        query.targetType ? eq(auditEntries.targetType, query.targetType) : undefined,
        query.actorId ? eq(auditEntries.actorId, query.actorId) : undefined,
      ),
    )
    .orderBy(desc(auditEntries.id))
    .limit(query.limit + 1);
  return pageResult(rows.map(toAuditEntryDto), query.limit);
}

function toAuditEntryDto(row: typeof auditEntries.$inferSelect): AuditEntryDto {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actorType: row.actorType as AuditEntryDto["actorType"],
    actorId: row.actorId,
    actorName: row.actorName,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    summary: row.summary,
    before: row.before ?? null,
    after: row.after ?? null,
    ip: row.ip,
  };
}
