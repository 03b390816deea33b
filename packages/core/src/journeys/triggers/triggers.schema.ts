import { index, pgTable, primaryKey, text, timestamp, uuid } from "@siyu/storage/pg-core";

/**
 * Entries the clock-driven trigger sources (date traits, schedules) have already made, by journey
 * and entry key (`date_trait:<local day>:<profileId>`, `schedule:<local day>:<profileId>`): the job
 * runs every few minutes and each run adds only the customers not entered yet today. Rows older
 * than two days can no longer match a key and are pruned.
 */
export const journeyTriggerFires = pgTable(
  "journey_trigger_fires",
  {
    workspaceId: uuid("workspace_id").notNull(),
    journeyId: uuid("journey_id").notNull(),
    entryKey: text("entry_key").notNull(),
    profileId: uuid("profile_id").notNull(),
    firedAt: timestamp("fired_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.journeyId, t.entryKey] }), index("journey_trigger_fires_at_idx").on(t.firedAt)],
);
