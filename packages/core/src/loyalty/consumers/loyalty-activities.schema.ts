import { date, index, integer, pgTable, primaryKey, text, timestamp, uuid } from "@siyu/storage/pg-core";

/**
 * Points an activity rule paid for one logged event: once per (rule, message id). The caps count these
 * rows by member and local day / month, and by local day for the whole workspace.
 */
export const activityAwards = pgTable(
  "activity_awards",
  {
    workspaceId: uuid("workspace_id").notNull(),
    ruleCode: text("rule_code").notNull(),
    messageId: text("message_id").notNull(),
    profileId: uuid("profile_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    points: integer("points").notNull(),
    entryId: uuid("entry_id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.ruleCode, t.messageId] }),
    index("activity_awards_member_idx").on(t.workspaceId, t.profileId, t.ruleCode, t.day),
    index("activity_awards_day_idx").on(t.workspaceId, t.ruleCode, t.day),
  ],
);
