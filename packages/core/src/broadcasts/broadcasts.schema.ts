import { index, integer, pgTable, primaryKey, text, timestamp, uuid } from "@siyu/storage/pg-core";

/**
 * One-off or recurring sends to a segment. The job starts an occurrence at `next_at`: the segment's
 * members are copied into `broadcast_recipients` in one statement, then handed to the outbox in
 * batches at `per_minute` (each message's due time spread by the throttle).
 */
export const broadcasts = pgTable(
  "broadcasts",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    name: text("name").notNull(),
    segmentId: uuid("segment_id").notNull(),
    /** messaging CHANNELS */
    channel: text("channel").notNull(),
    templateId: uuid("template_id").notNull(),
    /** targeted | general | service */
    category: text("category").notNull(),
    /** The first occurrence; later ones are every `repeat_every_days` at its local time. */
    startAt: timestamp("start_at", { withTimezone: true }).notNull(),
    repeatEveryDays: integer("repeat_every_days"),
    perMinute: integer("per_minute").notNull(),
    /** scheduled | sending | sent | cancelled */
    status: text("status").notNull(),
    /** The next occurrence to start (null when sent or cancelled). */
    nextAt: timestamp("next_at", { withTimezone: true }),
    /** The occurrence being sent, or the last one sent (0 before the first). */
    occurrence: integer("occurrence").notNull().default(0),
    /** When the current occurrence started: the throttle spreads due times from here. */
    occurrenceStartedAt: timestamp("occurrence_started_at", { withTimezone: true }),
    /** Messages queued into the outbox, all occurrences. */
    queued: integer("queued").notNull().default(0),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("broadcasts_workspace_idx").on(t.workspaceId, t.id), index("broadcasts_due_idx").on(t.status, t.nextAt)],
);

/** The members of an occurrence still to be queued, numbered in the order the throttle spreads them. */
export const broadcastRecipients = pgTable(
  "broadcast_recipients",
  {
    broadcastId: uuid("broadcast_id").notNull(),
    occurrence: integer("occurrence").notNull(),
    ordinal: integer("ordinal").notNull(),
    profileId: uuid("profile_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.broadcastId, t.occurrence, t.ordinal] })],
);
