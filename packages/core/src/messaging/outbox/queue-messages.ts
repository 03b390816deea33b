import type { Db } from "@siyu/storage";
import type { Channel, MessageCategory, MessageSource } from "@siyu/contracts";
import { newId } from "../../shared/ids";
import { messages } from "./outbox.schema";

/** One message a producer decides to send; judged (rendered, guarded) and delivered later by the dispatcher. */
export interface QueueMessageRequest {
  workspaceId: string;
  /** Unique per workspace; a request whose key is already queued adds nothing. */
  idempotencyKey: string;
  profileId: string;
  channel: Channel;
  category: MessageCategory;
  /** null for a channel without templates (a journey's webhook action sends the default payload). */
  templateId: string | null;
  /** marketing | service; the dispatcher takes the template's purpose when a template is given. */
  purpose?: "marketing" | "service";
  /** A fixed destination (a webhook action's URL); else resolved from the profile at send time. */
  address?: string | null;
  variables?: Record<string, unknown>;
  source: Partial<MessageSource> & Pick<MessageSource, "kind">;
  /** Not before (e.g. a broadcast's throttled slot); defaults to now. */
  dueAt?: Date;
  /** When the triggering event happened (trigger → handed-to-channel latency is measured from it). */
  triggeredAt?: Date | null;
}

/**
 * Writes the requests to the outbox in one statement, inside the caller's transaction, so the
 * decision to send and the message commit together. Returns the idempotency keys that were new.
 */
export async function queueMessages(tx: Db, now: Date, requests: readonly QueueMessageRequest[]): Promise<Set<string>> {
  if (requests.length === 0) return new Set();
  const inserted = await tx
    .insert(messages)
    .values(
      requests.map((r) => ({
        id: newId(),
        workspaceId: r.workspaceId,
        idempotencyKey: r.idempotencyKey,
        profileId: r.profileId,
        channel: r.channel,
        category: r.category,
        purpose: r.purpose ?? (r.category === "service" ? "service" : "marketing"),
        templateId: r.templateId,
        address: r.address ?? null,
        variables: r.variables ?? {},
        status: "queued",
        sourceKind: r.source.kind,
        journeyId: r.source.journeyId ?? null,
        journeyVersion: r.source.journeyVersion ?? null,
        nodeId: r.source.nodeId ?? null,
        runId: r.source.runId ?? null,
        broadcastId: r.source.broadcastId ?? null,
        createdAt: now,
        triggeredAt: r.triggeredAt ?? null,
        dueAt: r.dueAt ?? now,
      })),
    )
    .onConflictDoNothing({ target: [messages.workspaceId, messages.idempotencyKey] })
    .returning({ key: messages.idempotencyKey });
  return new Set(inserted.map((r) => r.key));
}
