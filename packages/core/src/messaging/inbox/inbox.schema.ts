import { index, pgTable, text, timestamp, uniqueIndex, uuid } from "@siyu/storage/pg-core";

/** The member's in-app inbox: one row per message delivered on the inbox channel. */
export const inboxItems = pgTable(
  "inbox_items",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    profileId: uuid("profile_id").notNull(),
    /** The outbox row it came from: a retried delivery adds nothing. */
    messageId: uuid("message_id").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    url: text("url").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    readAt: timestamp("read_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("inbox_items_message").on(t.messageId), index("inbox_items_profile").on(t.workspaceId, t.profileId, t.createdAt)],
);
