import { bigserial, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid, bigint } from "@siyu/storage/pg-core";

/**
 * The durable event log: an event is here before the API answers 2xx, once per
 * (workspace, messageId) however late a retry arrives. `seq` orders consumers.
 */
export const eventsLog = pgTable(
  "events_log",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    messageId: text("message_id").notNull(),
    type: text("type").notNull(),
    event: text("event"),
    userId: text("user_id"),
    anonymousId: text("anonymous_id"),
    ts: timestamp("ts", { withTimezone: true }).notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
  },
  (t) => [
    uniqueIndex("events_log_message_uq").on(t.workspaceId, t.messageId),
    index("events_log_workspace_ts_idx").on(t.workspaceId, t.ts),
  ],
);

/** Where each consumer is in the log; moved in the same transaction as the consumer's effects. */
export const eventsConsumerOffsets = pgTable("events_consumer_offsets", {
  consumer: text("consumer").primaryKey(),
  position: bigint("position", { mode: "number" }).notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
});
