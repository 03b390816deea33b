import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "@siyu/storage/pg-core";
import type { TaskStep } from "@siyu/contracts";

/** Member tasks an operator configures: steps (events counted, traits present) and a reward. */
export const loyaltyTasks = pgTable(
  "loyalty_tasks",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    code: text("code").notNull(),
    nameZh: text("name_zh").notNull(),
    nameEn: text("name_en").notNull().default(""),
    description: text("description").notNull().default(""),
    /** once | daily | weekly | new_member */
    kind: text("kind").notNull(),
    windowDays: integer("window_days"),
    steps: jsonb("steps").$type<TaskStep[]>().notNull(),
    rewardPoints: integer("reward_points"),
    rewardTemplateId: uuid("reward_template_id"),
    /** active | paused | archived */
    status: text("status").notNull(),
    position: integer("position").notNull().default(0),
    /** Events before this moment never count (history loaded later does not pay out). */
    activeFrom: timestamp("active_from", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("loyalty_tasks_code_uq").on(t.workspaceId, t.code)],
);

/**
 * A member's progress on a task in one period ("once", "new", a local day or ISO week): events counted
 * per step, and when every step was done. `completed_at` is set once: the reward's idempotency key is
 * task:<taskId>:<profileId>:<periodKey>.
 */
export const loyaltyTaskProgress = pgTable(
  "loyalty_task_progress",
  {
    workspaceId: uuid("workspace_id").notNull(),
    taskId: uuid("task_id").notNull(),
    profileId: uuid("profile_id").notNull(),
    periodKey: text("period_key").notNull(),
    counts: jsonb("counts").$type<number[]>().notNull(),
    completedAt: timestamp("completed_at", { withTimezone: true }),
    rewardPoints: integer("reward_points"),
    rewardCouponId: uuid("reward_coupon_id"),
    rewardCouponError: text("reward_coupon_error"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.taskId, t.profileId, t.periodKey] }), index("loyalty_task_progress_profile_idx").on(t.workspaceId, t.profileId)],
);
