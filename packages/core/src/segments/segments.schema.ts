import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "@siyu/storage/pg-core";
import type { SegmentRule } from "@siyu/contracts";

/** Saved segments: a rule tree, refreshed on a schedule and on demand. */
export const segments = pgTable(
  "segments",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    name: text("name").notNull(),
    description: text("description"),
    rule: jsonb("rule").$type<SegmentRule>().notNull(),
    refreshEveryMinutes: integer("refresh_every_minutes").notNull(),
    /** Members at the last refresh; null before the first. */
    size: integer("size"),
    lastRefreshedAt: timestamp("last_refreshed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
    createdBy: text("created_by").notNull(),
  },
  (t) => [index("segments_workspace_idx").on(t.workspaceId, t.id), index("segments_due_idx").on(t.lastRefreshedAt)],
);

/** Who is in each segment now (as of its last refresh), and since when. */
export const segmentMembers = pgTable(
  "segment_members",
  {
    workspaceId: uuid("workspace_id").notNull(),
    segmentId: uuid("segment_id").notNull(),
    profileId: uuid("profile_id").notNull(),
    enteredAt: timestamp("entered_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.segmentId, t.profileId] }), index("segment_members_profile_idx").on(t.workspaceId, t.profileId)],
);

/** One row per refresh: the size and how many entered and left. */
export const segmentSizeHistory = pgTable(
  "segment_size_history",
  {
    workspaceId: uuid("workspace_id").notNull(),
    segmentId: uuid("segment_id").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
    size: integer("size").notNull(),
    entered: integer("entered").notNull(),
    exited: integer("exited").notNull(),
  },
  (t) => [index("segment_size_history_segment_idx").on(t.segmentId, t.at)],
);
