import { and, desc, eq, lt, type SQL } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { TemplateContent, type Channel, type MessageDto, type MessageListQuery, type MessagePageDto, type SendMessageBody } from "@siyu/contracts";
import type { Clock } from "../../shared/clock";
import type { WorkspaceContext } from "../../shared/context";
import { messageTemplates } from "../templates/templates.schema";
import { messagingErrors } from "../messaging.errors";
import { messages } from "./outbox.schema";
import { queueMessages } from "./queue-messages";
import { sql } from "@siyu/storage/orm";
import { rows } from "../../shared/sql-rows";
import { appendAuditEntry } from "../../audit";

type Row = typeof messages.$inferSelect;

export function toMessageDto(r: Row): MessageDto {
  const final = ["delivered", "failed", "suppressed", "pending_confirmation"].includes(r.status);
  return {
    id: r.id,
    profileId: r.profileId,
    channel: r.channel as Channel,
    category: r.category as MessageDto["category"],
    templateId: r.templateId,
    status: r.status as MessageDto["status"],
    reason: (r.reason as MessageDto["reason"]) ?? null,
    source: {
      kind: r.sourceKind as MessageDto["source"]["kind"],
      journeyId: r.journeyId,
      journeyVersion: r.journeyVersion,
      nodeId: r.nodeId,
      runId: r.runId,
      broadcastId: r.broadcastId,
    },
    address: r.address,
    rendered: TemplateContent.parse(r.rendered ?? {}),
    attempts: r.attempts,
    error: r.error,
    createdAt: r.createdAt.toISOString(),
    dueAt: final ? null : (r.dueAt?.toISOString() ?? null),
    deliveredAt: r.deliveredAt?.toISOString() ?? null,
  };
}

/** The message log and the API's one-off send. */
export function createMessagesService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  const get = async (ctx: WorkspaceContext, id: string): Promise<MessageDto> => {
    const [row] = await db.select().from(messages).where(and(eq(messages.workspaceId, ctx.workspaceId), eq(messages.id, id)));
    if (!row) throw messagingErrors.error("messaging.message_not_found", `No message ${id}`);
    return toMessageDto(row);
  };
  return {
    get,
    /** Newest first; the cursor is the last id of the page before (ids are time-ordered). */
    async list(ctx: WorkspaceContext, query: MessageListQuery): Promise<MessagePageDto> {
      const where: SQL[] = [eq(messages.workspaceId, ctx.workspaceId)];
      if (query.profileId) where.push(eq(messages.profileId, query.profileId));
      if (query.journeyId) where.push(eq(messages.journeyId, query.journeyId));
      if (query.channel) where.push(eq(messages.channel, query.channel));
      if (query.status) where.push(eq(messages.status, query.status));
      if (query.cursor && /^[0-9a-f-]{36}$/.test(query.cursor)) where.push(lt(messages.id, query.cursor));
      const found = await db.select().from(messages).where(and(...where)).orderBy(desc(messages.id)).limit(query.limit + 1);
      const items = found.slice(0, query.limit).map(toMessageDto);
      return { items, nextCursor: found.length > query.limit ? (items.at(-1)?.id ?? null) : null };
    },
    /** Queues one template for one customer; a replayed idempotency key answers the message it queued. */
    async send(ctx: WorkspaceContext, body: SendMessageBody): Promise<MessageDto> {
      const [template] = await db
        .select({ channel: messageTemplates.channel, purpose: messageTemplates.purpose })
        .from(messageTemplates)
        .where(and(eq(messageTemplates.workspaceId, ctx.workspaceId), eq(messageTemplates.id, body.templateId)));
      if (!template) throw messagingErrors.error("messaging.template_not_found", `No message template ${body.templateId}`, { field: "templateId" });
      const [profile] = await rows<{ id: string }>(db, sql`select id from profiles where workspace_id = ${ctx.workspaceId}::uuid and id = ${body.profileId}::uuid`);
      if (!profile) throw messagingErrors.error("messaging.profile_not_found", `No customer ${body.profileId}`, { field: "profileId" });
      const key = `api:${body.idempotencyKey}`;
      const now = clock.now();
      return db.transaction(async (tx) => {
        const inserted = await queueMessages(tx, now, [
          {
            workspaceId: ctx.workspaceId,
            idempotencyKey: key,
            profileId: body.profileId,
            channel: template.channel as Channel,
            category: body.category,
            templateId: body.templateId,
            purpose: template.purpose as "marketing" | "service",
            variables: body.variables,
            source: { kind: "api" },
            triggeredAt: now,
          },
        ]);
        const [row] = await tx.select().from(messages).where(and(eq(messages.workspaceId, ctx.workspaceId), eq(messages.idempotencyKey, key)));
        if (inserted.size > 0) {
          await appendAuditEntry(tx, clock, ctx, { action: "messaging.message_queued", targetType: "message", targetId: row!.id, summary: `Message queued on ${template.channel}` });
        }
        return toMessageDto(row!);
      });
    },
  };
}
export type MessagesService = ReturnType<typeof createMessagesService>;
