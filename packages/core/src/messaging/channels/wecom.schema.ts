import { index, pgTable, text, timestamp, uniqueIndex, uuid } from "@siyu/storage/pg-core";

/**
 * Sends reserved against WeCom's limits, shared by every process: each customer may receive only so
 * many mass messages a day / week / month (the company's setting), and a staff member's messages
 * beyond 30 a minute or 1,000 an hour are dropped silently by WeCom. The WeCom adapter reserves a row
 * here (under a per-workspace advisory lock) before it calls WeCom, and counts these rows to decide.
 */
export const messagingWecomSends = pgTable(
  "messaging_wecom_sends",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    /** The outbox message (one reservation each): a retry first looks for the task its earlier attempt may have created. */
    messageId: text("message_id").notNull(),
    /** The staff member (WeCom userid) who sends. */
    sender: text("sender").notNull(),
    externalUserid: text("external_userid").notNull(),
    reservedAt: timestamp("reserved_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex("messaging_wecom_sends_message").on(t.workspaceId, t.messageId),
    index("messaging_wecom_sends_sender").on(t.workspaceId, t.sender, t.reservedAt),
    index("messaging_wecom_sends_customer").on(t.workspaceId, t.externalUserid, t.reservedAt),
  ],
);
