import type { Db } from "@siyu/storage";
import type { Channel, MessageCategory, MessageSource } from "@siyu/contracts";
import { newId } from "../../shared/ids";
import { sql } from "@siyu/storage/orm";
import { rows } from "../../shared/sql-rows";

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
 * The rows travel as one JSON parameter (jsonb_to_recordset): on PGlite a batch of a thousand
 * messages as 24,000 bound parameters costs several times more.
 */
export async function queueMessages(tx: Db, now: Date, requests: readonly QueueMessageRequest[]): Promise<Set<string>> {
  if (requests.length === 0) return new Set();
  const at = now.toISOString();
  const values = requests.map((r) => ({
    id: newId(),
    workspace_id: r.workspaceId,
    idempotency_key: r.idempotencyKey,
    profile_id: r.profileId,
    channel: r.channel,
    category: r.category,
    purpose: r.purpose ?? (r.category === "service" ? "service" : "marketing"),
    template_id: r.templateId,
    address: r.address ?? null,
    variables: r.variables ?? {},
    source_kind: r.source.kind,
    journey_id: r.source.journeyId ?? null,
    journey_version: r.source.journeyVersion ?? null,
    node_id: r.source.nodeId ?? null,
    run_id: r.source.runId ?? null,
    broadcast_id: r.source.broadcastId ?? null,
    triggered_at: r.triggeredAt?.toISOString() ?? null,
    due_at: (r.dueAt ?? now).toISOString(),
  }));
  const inserted = await rows<{ key: string }>(
    tx,
    sql`insert into messages (id, workspace_id, idempotency_key, profile_id, channel, category, purpose, template_id, address, variables, status,
          source_kind, journey_id, journey_version, node_id, run_id, broadcast_id, created_at, triggered_at, due_at)
        select id, workspace_id, idempotency_key, profile_id, channel, category, purpose, template_id, address, variables, 'queued',
          source_kind, journey_id, journey_version, node_id, run_id, broadcast_id, ${at}::timestamptz, triggered_at, due_at
        from jsonb_to_recordset(${JSON.stringify(values)}::jsonb) as v(id uuid, workspace_id uuid, idempotency_key text, profile_id uuid, channel text, category text,
          purpose text, template_id uuid, address text, variables jsonb, source_kind text, journey_id uuid, journey_version int, node_id text, run_id uuid,
          broadcast_id uuid, triggered_at timestamptz, due_at timestamptz)
        on conflict (workspace_id, idempotency_key) do nothing
        returning idempotency_key as key`,
  );
  return new Set(inserted.map((r) => r.key));
}
