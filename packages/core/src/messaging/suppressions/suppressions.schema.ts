import { sql } from "@siyu/storage/orm";
import { index, pgTable, text, timestamp, uuid } from "@siyu/storage/pg-core";

/** Addresses (phone, email, profile id) nothing is sent to, on one channel or on all (channel null). */
export const messagingSuppressions = pgTable(
  "messaging_suppressions",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    channel: text("channel"),
    address: text("address").notNull(),
    note: text("note").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  // The dispatcher matches addresses case-blind (lower(address)): the index is on that expression, so
  // a batch probes it per address instead of reading the workspace's whole list.
  (t) => [index("messaging_suppressions_address").on(t.workspaceId, sql`lower(${t.address})`)],
);
