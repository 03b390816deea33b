import { parsePhoneNumberFromString } from "libphonenumber-js";
import { and, desc, eq } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { Channel, SuppressionEntryBody, SuppressionEntryDto } from "@siyu/contracts";
import { appendAuditEntry } from "../../audit";
import type { Clock } from "../../shared/clock";
import type { WorkspaceContext } from "../../shared/context";
import { newId } from "../../shared/ids";
import { messagingErrors } from "../messaging.errors";
import { messagingSuppressions } from "./suppressions.schema";

type Row = typeof messagingSuppressions.$inferSelect;
const toDto = (r: Row): SuppressionEntryDto => ({ id: r.id, channel: r.channel as Channel | null, address: r.address, note: r.note, createdAt: r.createdAt.toISOString() });

/** Emails are compared lower-cased, phones in E.164 (a national number is read as Chinese), ids as given. */
function normalise(address: string): string {
  const a = address.trim();
  if (a.includes("@")) return a.toLowerCase();
  if (/^\+?[\d\s-]{6,20}$/.test(a)) return parsePhoneNumberFromString(a, "CN")?.number ?? a;
  return a;
}

export function createSuppressionsService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  return {
    async list(ctx: WorkspaceContext): Promise<SuppressionEntryDto[]> {
      return (await db.select().from(messagingSuppressions).where(eq(messagingSuppressions.workspaceId, ctx.workspaceId)).orderBy(desc(messagingSuppressions.createdAt)).limit(5000)).map(toDto);
    },
    async add(ctx: WorkspaceContext, body: SuppressionEntryBody): Promise<SuppressionEntryDto> {
      return db.transaction(async (tx) => {
        const [row] = await tx
          .insert(messagingSuppressions)
          .values({ id: newId(), workspaceId: ctx.workspaceId, channel: body.channel, address: normalise(body.address), note: body.note, createdAt: clock.now() })
          .returning();
        await appendAuditEntry(tx, clock, ctx, { action: "messaging.suppression_added", targetType: "message_suppression", targetId: row!.id, summary: `Suppressed ${body.channel ?? "all channels"}` });
        return toDto(row!);
      });
    },
    async remove(ctx: WorkspaceContext, id: string): Promise<void> {
      await db.transaction(async (tx) => {
        const gone = await tx
          .delete(messagingSuppressions)
          .where(and(eq(messagingSuppressions.workspaceId, ctx.workspaceId), eq(messagingSuppressions.id, id)))
          .returning({ id: messagingSuppressions.id });
        if (gone.length === 0) throw messagingErrors.error("messaging.suppression_not_found", `No suppression entry ${id}`);
        await appendAuditEntry(tx, clock, ctx, { action: "messaging.suppression_removed", targetType: "message_suppression", targetId: id, summary: "Suppression entry removed" });
      });
    },
  };
}
export type SuppressionsService = ReturnType<typeof createSuppressionsService>;
