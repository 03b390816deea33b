import { boolean, pgTable, primaryKey, text, timestamp, uuid } from "@siyu/storage/pg-core";

/**
 * A customer's latest decision per channel and purpose (PIPL / GDPR: consent is per purpose).
 * Rows stay on the profile they were recorded for; readers follow merges to the live profile,
 * and the newest decision across a merged person wins.
 */
export const consents = pgTable(
  "consents",
  {
    workspaceId: uuid("workspace_id").notNull(),
    profileId: uuid("profile_id").notNull(),
    channel: text("channel").notNull(),
    purpose: text("purpose").notNull(),
    granted: boolean("granted").notNull(),
    source: text("source").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
    updatedBy: text("updated_by"),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.profileId, t.channel, t.purpose] })],
);
