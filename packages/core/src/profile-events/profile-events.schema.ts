import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from "@siyu/storage/pg-core";

/**
 * Changes Siyu itself makes to a customer — a tag added, a segment entered, a lifecycle
 * stage changed — appended in the same transaction as the change. Journeys and other
 * consumers read them in `seq` order, exactly once, like the event log.
 */
export const profileEvents = pgTable(
  "profile_events",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    id: uuid("id").notNull(),
    workspaceId: uuid("workspace_id").notNull(),
    profileId: uuid("profile_id").notNull(),
    kind: text("kind").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
  },
  (t) => [index("profile_events_profile_idx").on(t.workspaceId, t.profileId, t.seq)],
);
