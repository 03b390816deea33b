import { doublePrecision, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uuid } from "@siyu/storage/pg-core";

/**
 * The latest scores of every live profile, copied from the warehouse's profile_scores after each
 * run (the warehouse computes, PostgreSQL serves the customer page and the change events).
 */
export const profileScores = pgTable(
  "profile_scores",
  {
    workspaceId: uuid("workspace_id").notNull(),
    profileId: uuid("profile_id").notNull(),
    rfmR: smallint("rfm_r"),
    rfmF: smallint("rfm_f"),
    rfmM: smallint("rfm_m"),
    /** Days since the last order in the RFM window, in the workspace's calendar. */
    recencyDays: integer("recency_days"),
    /** Orders in the window (fully refunded ones left out). */
    frequency: integer("frequency"),
    /** Net spend in the window, major units. */
    monetary: doublePrecision("monetary"),
    rfmCell: text("rfm_cell"),
    rfmLayer: text("rfm_layer"),
    lifecycleStage: text("lifecycle_stage"),
    valueTier: text("value_tier"),
    /** Lifetime spend the value pyramid ranked on, minor units. */
    spendMinor: doublePrecision("spend_minor").notNull(),
    computedAt: timestamp("computed_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.profileId] })],
);

/** One row per scoring run: counts per cell, stage and tier, and the transitions it emitted. */
export const scoresRuns = pgTable(
  "scores_runs",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    trigger: text("trigger").notNull(),
    computedAt: timestamp("computed_at", { withTimezone: true }).notNull(),
    durationMs: integer("duration_ms").notNull(),
    summary: jsonb("summary").$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index("scores_runs_workspace_idx").on(t.workspaceId, t.computedAt)],
);
