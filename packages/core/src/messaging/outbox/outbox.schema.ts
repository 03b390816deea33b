import { sql } from "@siyu/storage/orm";
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "@siyu/storage/pg-core";

/**
 * The outbox every outgoing message passes through. A producer (journey step, broadcast, API)
 * writes a `queued` row in the transaction that decides to send, keyed by an idempotency key, so a
 * replayed step adds nothing. The dispatcher takes due rows with FOR UPDATE SKIP LOCKED and judges
 * them at send time: renders the template (Liquid), applies the guards (consent, unsubscribe,
 * suppression list, caps, quiet hours → `held` until morning, dry run), then hands them to the
 * channel adapter. Suppressed rows stay with their reason.
 */
export const messages = pgTable(
  "messages",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    /** Unique per workspace: e.g. journey:<runId>:<nodeId>, broadcast:<id>:<occurrence>:<profileId>, api:<key>. */
    idempotencyKey: text("idempotency_key").notNull(),
    profileId: uuid("profile_id").notNull(),
    /** messaging CHANNELS */
    channel: text("channel").notNull(),
    /** targeted | general | service */
    category: text("category").notNull(),
    /** marketing | service (the consent purpose), from the template when there is one. */
    purpose: text("purpose").notNull(),
    templateId: uuid("template_id"),
    /** Where it goes when the producer fixes it (a webhook action's URL); else resolved from the profile at send time. */
    address: text("address"),
    /** Variables beyond the profile (event, coupon, journey …) for the template. */
    variables: jsonb("variables").$type<Record<string, unknown>>().notNull(),
    /** Filled at send time: the rendered content (TemplateContent). */
    rendered: jsonb("rendered").$type<Record<string, unknown>>(),
    /** MESSAGE_STATUSES */
    status: text("status").notNull(),
    /** SUPPRESSION_REASONS when suppressed. */
    reason: text("reason"),
    /** MessageSource: kind, journeyId, journeyVersion, nodeId, runId, broadcastId. */
    sourceKind: text("source_kind").notNull(),
    journeyId: uuid("journey_id"),
    journeyVersion: integer("journey_version"),
    nodeId: text("node_id"),
    runId: uuid("run_id"),
    broadcastId: uuid("broadcast_id"),
    attempts: integer("attempts").notNull().default(0),
    error: text("error"),
    /** The provider's id for the message (for receipts). */
    providerId: text("provider_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    /** When what caused the message happened (the triggering event); trigger → channel latency is measured from it. */
    triggeredAt: timestamp("triggered_at", { withTimezone: true }),
    /** When the dispatcher may take it (now, the end of quiet hours, the next retry); null once final. */
    dueAt: timestamp("due_at", { withTimezone: true }),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("messages_idempotency").on(t.workspaceId, t.idempotencyKey),
    // The dispatcher's claim (due rows in (due_at, id) order, a batch at a time) reads this in order and
    // stops at the batch: no sort of every due row however long the queue. Final rows (due_at null) stay out.
    index("messages_due").on(t.dueAt, t.id).where(sql`${t.dueAt} is not null`),
    index("messages_profile").on(t.workspaceId, t.profileId, t.createdAt),
    index("messages_journey").on(t.workspaceId, t.journeyId, t.nodeId),
    // The dashboard's messages sent per day (messagesSentBetween): one range of a workspace's sends.
    index("messages_sent").on(t.workspaceId, t.sentAt).where(sql`${t.sentAt} is not null`),
  ],
);
