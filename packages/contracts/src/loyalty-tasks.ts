import { z } from "zod";
import { Id, IsoDateTime } from "./common";
import { SegmentRule } from "./segments";

// Member tasks (e.g. the 7-day new-member list) and badges / honour titles (e.g. 年度挚爱茶客).

const Code = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, { message: "must be a lower-case code such as first_order" });
const Names = {
  nameZh: z.string().trim().min(1).max(80),
  nameEn: z.string().trim().max(80).default(""),
};

/** An event property compared with a value: `eq` for strings, numbers and booleans; `gte` / `lte` for numbers. */
export const TaskPropertyFilter = z.strictObject({
  property: z.string().trim().min(1).max(100),
  op: z.enum(["eq", "gte", "lte"]).default("eq"),
  value: z.union([z.string().max(200), z.number(), z.boolean()]),
});
export type TaskPropertyFilter = z.infer<typeof TaskPropertyFilter>;

/** One step: `count` events named `event` whose properties pass every filter, or the listed traits present on the profile. */
export const TaskStep = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("event"),
    event: z.string().trim().min(1).max(100),
    filters: z.array(TaskPropertyFilter).max(10).default([]),
    count: z.number().int().min(1).max(1000).default(1),
  }),
  z.strictObject({
    kind: z.literal("profile_complete"),
    traits: z.array(z.string().trim().min(1).max(100)).min(1).max(30),
  }),
]);
export type TaskStep = z.infer<typeof TaskStep>;

export const TaskKind = z.enum(["once", "daily", "weekly", "new_member"]);
export type TaskKind = z.infer<typeof TaskKind>;

export const LoyaltyStatus = z.enum(["active", "paused", "archived"]);

const TaskFields = z.strictObject({
  code: Code,
  ...Names,
  description: z.string().max(500).default(""),
  /** once: one completion ever; daily / weekly: once per local day / week (Monday first); new_member: once, within windowDays of the member's first sight. */
  kind: TaskKind,
  windowDays: z.number().int().min(1).max(365).nullable().default(null),
  steps: z.array(TaskStep).min(1).max(10),
  rewardPoints: z.number().int().min(1).max(1_000_000).nullable().default(null),
  rewardTemplateId: Id.nullable().default(null),
  status: LoyaltyStatus.default("active"),
  /** Order in member-facing lists. */
  position: z.number().int().min(0).max(10_000).default(0),
});

export const CreateTaskBody = TaskFields.superRefine((t, ctx) => {
  if (t.kind === "new_member" && t.windowDays === null) ctx.addIssue({ code: "custom", path: ["windowDays"], message: "a new-member task needs windowDays" });
  if (t.kind !== "new_member" && t.windowDays !== null) ctx.addIssue({ code: "custom", path: ["windowDays"], message: "only new-member tasks have a window" });
});
export type CreateTaskBody = z.infer<typeof CreateTaskBody>;
export type CreateTaskInput = z.input<typeof CreateTaskBody>;
/** PUT replaces the definition; progress already made stays. */
export const UpdateTaskBody = CreateTaskBody;

export const TaskDto = z.object({
  id: Id,
  code: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  description: z.string(),
  kind: TaskKind,
  windowDays: z.number().int().nullable(),
  steps: z.array(TaskStep),
  rewardPoints: z.number().int().nullable(),
  rewardTemplateId: Id.nullable(),
  status: LoyaltyStatus,
  position: z.number().int(),
  /** Events before this moment never count. */
  activeFrom: IsoDateTime,
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type TaskDto = z.infer<typeof TaskDto>;
export const TaskListDto = z.object({ items: z.array(TaskDto) });
export const TaskParams = z.strictObject({ workspaceId: Id, taskId: Id });

export const MemberTaskDto = z.object({
  task: TaskDto,
  /** The period the progress belongs to: "once", "new", a local day (2026-11-29) or week (2026-W48). */
  periodKey: z.string(),
  /** Whether the member can still make progress now (new-member window open, task active). */
  open: z.boolean(),
  /** For new-member tasks: when the window closes. */
  closesAt: IsoDateTime.nullable(),
  steps: z.array(z.object({ done: z.number().int(), needed: z.number().int(), complete: z.boolean() })),
  completedAt: IsoDateTime.nullable(),
  /** What the completion gave: the points entry and coupon, or why the coupon could not be issued. */
  reward: z.object({ points: z.number().int().nullable(), couponId: Id.nullable(), couponError: z.string().nullable() }).nullable(),
});
export type MemberTaskDto = z.infer<typeof MemberTaskDto>;
export const MemberTaskListDto = z.object({ items: z.array(MemberTaskDto) });

// ------------------------------------------------------------------------------------ badges

export const BadgeKind = z.enum(["badge", "title"]);

export const CreateBadgeBody = z.strictObject({
  code: Code,
  ...Names,
  description: z.string().max(500).default(""),
  kind: BadgeKind.default("badge"),
  /** The segments rule tree: whoever matches is granted the badge. */
  rule: SegmentRule,
  /** Permanent by default; when true a holder who no longer matches loses it at the next evaluation. */
  revokeWhenNoLongerMatching: z.boolean().default(false),
  /** Points given once per member, on the first grant. */
  rewardPoints: z.number().int().min(1).max(1_000_000).nullable().default(null),
  status: LoyaltyStatus.default("active"),
});
export type CreateBadgeBody = z.infer<typeof CreateBadgeBody>;
export type CreateBadgeInput = z.input<typeof CreateBadgeBody>;
export const UpdateBadgeBody = CreateBadgeBody;

export const BadgeDto = z.object({
  id: Id,
  code: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  description: z.string(),
  kind: BadgeKind,
  rule: SegmentRule,
  revokeWhenNoLongerMatching: z.boolean(),
  rewardPoints: z.number().int().nullable(),
  status: LoyaltyStatus,
  holders: z.number().int(),
  lastEvaluatedAt: IsoDateTime.nullable(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type BadgeDto = z.infer<typeof BadgeDto>;
export const BadgeListDto = z.object({ items: z.array(BadgeDto) });
export const BadgeParams = z.strictObject({ workspaceId: Id, badgeId: Id });
export const BadgeEvaluationDto = z.object({ holders: z.number().int(), granted: z.number().int(), revoked: z.number().int() });
export type BadgeEvaluationDto = z.infer<typeof BadgeEvaluationDto>;

export const MemberBadgeDto = z.object({
  badgeId: Id,
  code: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  kind: BadgeKind,
  grantedAt: IsoDateTime,
});
export type MemberBadgeDto = z.infer<typeof MemberBadgeDto>;
export const MemberBadgeListDto = z.object({ items: z.array(MemberBadgeDto) });
