import { sql } from "@siyu/storage/orm";
import { bigint, boolean, date, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "@siyu/storage/pg-core";

/** A journey: its draft graph and settings, and which published version customers enter. */
export const journeys = pgTable(
  "journeys",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    /** The draft (JourneyGraph); published copies live in journey_versions. */
    graph: jsonb("graph").$type<Record<string, unknown>>().notNull(),
    settings: jsonb("settings").$type<Record<string, unknown>>().notNull(),
    /** JOURNEY_STATUSES */
    status: text("status").notNull(),
    liveVersion: integer("live_version"),
    /** The playbook it was started from. */
    playbook: text("playbook"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
    publishedAt: timestamp("published_at", { withTimezone: true }),
    /** The last resume after a pause: the trigger sources take nothing that happened before it. */
    resumedAt: timestamp("resumed_at", { withTimezone: true }),
  },
  (t) => [index("journeys_workspace").on(t.workspaceId, t.status)],
);

/** An immutable published graph + settings; runs keep the version they entered. */
export const journeyVersions = pgTable(
  "journey_versions",
  {
    journeyId: uuid("journey_id").notNull(),
    version: integer("version").notNull(),
    workspaceId: uuid("workspace_id").notNull(),
    graph: jsonb("graph").$type<Record<string, unknown>>().notNull(),
    settings: jsonb("settings").$type<Record<string, unknown>>().notNull(),
    publishedAt: timestamp("published_at", { withTimezone: true }).notNull(),
    publishedBy: text("published_by").notNull(),
  },
  (t) => [uniqueIndex("journey_versions_pk").on(t.journeyId, t.version)],
);

/**
 * One customer's pass through a journey version. Advanced node by node in one transaction holding
 * the row's lock until it must wait (`due_at` and/or `wait_event`) or ends. `entry_key` makes an
 * entry idempotent; at most one active run per (journey, customer).
 */
export const journeyRuns = pgTable(
  "journey_runs",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    journeyId: uuid("journey_id").notNull(),
    version: integer("version").notNull(),
    profileId: uuid("profile_id").notNull(),
    /** RUN_STATUSES */
    status: text("status").notNull(),
    holdout: boolean("holdout").notNull(),
    currentNodeId: text("current_node_id"),
    /** How many steps the run has taken (numbers journey_steps; repeated visits key their effects by it). */
    stepCount: integer("step_count").notNull().default(0),
    entryKey: text("entry_key").notNull(),
    enteredAt: timestamp("entered_at", { withTimezone: true }).notNull(),
    endedAt: timestamp("ended_at", { withTimezone: true }),
    /** event | api | segment_entered | … */
    triggerKind: text("trigger_kind").notNull(),
    triggerEvent: text("trigger_event"),
    triggerProperties: jsonb("trigger_properties").$type<Record<string, unknown>>().notNull(),
    triggerSeq: bigint("trigger_seq", { mode: "number" }),
    triggeredAt: timestamp("triggered_at", { withTimezone: true }).notNull(),
    /** What earlier steps left for later ones (e.g. coupon: { code, name, value, expiresAt }). */
    context: jsonb("context").$type<Record<string, unknown>>().notNull(),
    /** The next timer (a wait's end, a wait-for-event's timeout, a holdout's goal window). */
    dueAt: timestamp("due_at", { withTimezone: true }),
    waitEvent: text("wait_event"),
    waitWhere: jsonb("wait_where").$type<unknown[]>(),
    /** The goal counts until then. */
    goalUntil: timestamp("goal_until", { withTimezone: true }),
    goalReachedAt: timestamp("goal_reached_at", { withTimezone: true }),
    goalRevenueMinor: bigint("goal_revenue_minor", { mode: "number" }),
    error: text("error"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex("journey_runs_entry").on(t.journeyId, t.entryKey),
    uniqueIndex("journey_runs_one_active").on(t.journeyId, t.profileId).where(sql`status = 'active'`),
    index("journey_runs_due").on(t.dueAt).where(sql`status = 'active'`),
    index("journey_runs_profile").on(t.workspaceId, t.profileId),
    index("journey_runs_journey").on(t.journeyId, t.status),
    // The journeys consumer's "does any run wait for an event or count a goal?" when no event-triggered
    // journey is live: only such runs are in these, not every run the workspace ever had.
    index("journey_runs_waiting_event").on(t.workspaceId).where(sql`status = 'active' and wait_event is not null`),
    index("journey_runs_goal_open").on(t.workspaceId, t.goalUntil).where(sql`goal_until is not null and goal_reached_at is null`),
  ],
);

/** Each node a run passed, with what happened there (per-node counts, exactly-once bookkeeping). */
export const journeySteps = pgTable(
  "journey_steps",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    journeyId: uuid("journey_id").notNull(),
    runId: uuid("run_id").notNull(),
    /** The run's step number, from 1. */
    stepNo: integer("step_no").notNull(),
    nodeId: text("node_id").notNull(),
    enteredAt: timestamp("entered_at", { withTimezone: true }).notNull(),
    /** entered | waiting | yes | no | branch:<key> | queued | journey_limit | dry_run | issued | awarded | tagged | untagged | task | failed | exit … */
    outcome: text("outcome").notNull(),
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull(),
  },
  (t) => [uniqueIndex("journey_steps_run").on(t.runId, t.stepNo), index("journey_steps_node").on(t.journeyId, t.nodeId, t.outcome)],
);

/** A store_task action's follow-up for a store manager. */
export const journeyStoreTasks = pgTable(
  "journey_store_tasks",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    journeyId: uuid("journey_id").notNull(),
    runId: uuid("run_id").notNull(),
    nodeId: text("node_id").notNull(),
    /** journey:<runId>:<nodeId>[:<visit>] — a replayed step adds nothing. */
    taskKey: text("task_key").notNull(),
    profileId: uuid("profile_id").notNull(),
    storeId: text("store_id"),
    title: text("title").notNull(),
    note: text("note").notNull(),
    /** open | done */
    status: text("status").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    completedAt: timestamp("completed_at", { withTimezone: true }),
    completedBy: text("completed_by"),
  },
  (t) => [uniqueIndex("journey_store_tasks_key").on(t.workspaceId, t.taskKey), index("journey_store_tasks_list").on(t.workspaceId, t.status, t.storeId)],
);

/** Matching events per customer and local day for event triggers with a count (atLeast in withinDays). */
export const journeyTriggerCounts = pgTable(
  "journey_trigger_counts",
  {
    journeyId: uuid("journey_id").notNull(),
    profileId: uuid("profile_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    count: integer("count").notNull(),
  },
  (t) => [uniqueIndex("journey_trigger_counts_pk").on(t.journeyId, t.profileId, t.day)],
);
