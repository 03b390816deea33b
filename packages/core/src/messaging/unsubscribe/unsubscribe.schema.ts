import { pgTable, text, timestamp, uuid } from "@siyu/storage/pg-core";

/** One HMAC secret per workspace for unsubscribe links (created on first use). */
export const messagingSecrets = pgTable("messaging_secrets", {
  workspaceId: uuid("workspace_id").primaryKey(),
  secret: text("secret").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
});
