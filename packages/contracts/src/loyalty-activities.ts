import { z } from "zod";
import { Id, IsoDateTime } from "./common";

/**
 * Points for what members do besides buying: daily check-ins (with streak bonuses and make-up cards)
 * and activity rules (share, review, UGC, task, referral …) triggered by events in the log.
 * Both are sections of LoyaltySettings; every number here is a default the operator can edit.
 */

const Points = z.number().int().min(1).max(1_000_000);
const Code = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, { message: "must be a lower-case code such as share" });
const LocalDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: "must be a day as YYYY-MM-DD" });

/** A cap counts awarded occurrences, or awarded points (the last award is cut to fit). */
export const ActivityCap = z.strictObject({
  limit: z.number().int().min(1).max(1_000_000),
  unit: z.enum(["occurrences", "points"]).default("occurrences"),
});
export type ActivityCap = z.infer<typeof ActivityCap>;

const Scalar = z.union([z.string().max(200), z.number(), z.boolean()]);
/** A condition on the triggering event's properties; `property` may be a dotted path (product.category). */
export const ActivityFilter = z
  .strictObject({
    property: z.string().min(1).max(200),
    op: z.enum(["eq", "neq", "in", "not_in", "exists", "gt", "gte", "lt", "lte"]),
    value: z.union([Scalar, z.array(z.union([z.string().max(200), z.number()])).min(1).max(100)]).optional(),
  })
  .superRefine((f, ctx) => {
    const need = (ok: boolean, message: string) => {
      if (!ok) ctx.addIssue({ code: "custom", path: ["value"], message });
    };
    if (f.op === "in" || f.op === "not_in") need(Array.isArray(f.value), `is required as a list for ${f.op}`);
    else if (f.op === "gt" || f.op === "gte" || f.op === "lt" || f.op === "lte") need(typeof f.value === "number", `must be a number for ${f.op}`);
    else if (f.op === "eq" || f.op === "neq") need(f.value !== undefined && !Array.isArray(f.value), `is required for ${f.op}`);
  });
export type ActivityFilter = z.infer<typeof ActivityFilter>;

export const ACTIVITY_KINDS = ["share", "review", "ugc", "task", "referral", "custom"] as const;

export const ActivityRule = z.strictObject({
  code: Code,
  name: z.string().trim().min(1).max(100),
  kind: z.enum(ACTIVITY_KINDS).default("custom"),
  enabled: z.boolean().default(true),
  /** The event (as tracked, e.g. "Product Shared") whose every occurrence earns. */
  event: z.string().trim().min(1).max(200),
  /** All must hold for the event to count. */
  where: z.array(ActivityFilter).max(10).default([]),
  points: Points,
  /** Per member per local day / local month (the workspace's time zone); null = no cap. */
  perMemberDaily: ActivityCap.nullable().default(null),
  perMemberMonthly: ActivityCap.nullable().default(null),
  /** All members together per local day; null = no cap. */
  dailyTotal: ActivityCap.nullable().default(null),
});
export type ActivityRule = z.infer<typeof ActivityRule>;

const DEFAULT_ACTIVITY_RULES = [
  { code: "share", name: "分享 Share", kind: "share", event: "Product Shared", points: 5, perMemberDaily: { limit: 3 }, perMemberMonthly: { limit: 300, unit: "points" } },
  { code: "review", name: "评价 Review", kind: "review", event: "Review Submitted", points: 10, perMemberDaily: { limit: 2 } },
  { code: "ugc", name: "晒单 UGC", kind: "ugc", event: "UGC Posted", points: 20, perMemberDaily: { limit: 1 }, perMemberMonthly: { limit: 10 } },
  { code: "task", name: "任务 Task", kind: "task", event: "Task Completed", points: 10, enabled: false },
  { code: "referral", name: "邀请好友 Referral", kind: "referral", event: "Referral Completed", points: 100, perMemberMonthly: { limit: 10 } },
];

export const ActivitySettings = z
  .strictObject({
    rules: z.array(ActivityRule).max(50).default(DEFAULT_ACTIVITY_RULES.map((r) => ActivityRule.parse(r))),
  })
  .superRefine((a, ctx) => {
    a.rules.forEach((r, i) => {
      if (a.rules.findIndex((o) => o.code === r.code) !== i) ctx.addIssue({ code: "custom", path: ["rules", i, "code"], message: "is used twice" });
    });
  });
export type ActivitySettings = z.infer<typeof ActivitySettings>;

export const CheckInSettings = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** Points for every check-in. */
    basePoints: z.number().int().min(0).max(1_000_000).default(5),
    /** Extra points on the check-in that reaches this day of the streak (counted within the cycle). */
    streakBonuses: z
      .array(z.strictObject({ day: z.number().int().min(1).max(366), points: Points }))
      .max(31)
      .default([
        { day: 3, points: 10 },
        { day: 7, points: 30 },
      ]),
    /** After this many days the bonus schedule starts again (day cycleDays + 1 counts as day 1); null = bonuses only at those exact streak lengths. */
    cycleDays: z.number().int().min(1).max(366).nullable().default(7),
    /** A tracked event that checks the member in on its local day (the mini-program's own check-in); null = only through the API. */
    event: z.string().trim().min(1).max(200).nullable().default("Checked In"),
    makeUp: z
      .strictObject({
        /** How many days back a make-up card (补签卡) may fill a missed day. */
        windowDays: z.number().int().min(1).max(366).default(7),
        /** Points for a made-up day (never a streak bonus). */
        points: z.number().int().min(0).max(1_000_000).default(5),
      })
      .prefault({}),
  })
  .superRefine((c, ctx) => {
    c.streakBonuses.forEach((b, i) => {
      if (c.streakBonuses.findIndex((o) => o.day === b.day) !== i) ctx.addIssue({ code: "custom", path: ["streakBonuses", i, "day"], message: "is used twice" });
      if (c.cycleDays !== null && b.day > c.cycleDays) ctx.addIssue({ code: "custom", path: ["streakBonuses", i, "day"], message: "must not exceed cycleDays" });
    });
  });
export type CheckInSettings = z.infer<typeof CheckInSettings>;

export const CheckInBody = z.strictObject({
  /**
   * Omitted (or today): check in for today. A past day: fill that missed day with one make-up card,
   * within the make-up window (then the day's make-up points, never a streak bonus).
   */
  day: LocalDay.optional(),
  /** A replay with the same key answers the first result (200) instead of 409 loyalty.already_checked_in. */
  idempotencyKey: z.string().min(1).max(200).optional(),
});
export type CheckInBody = z.infer<typeof CheckInBody>;

export const GrantMakeUpCardsBody = z.strictObject({
  count: z.number().int().min(1).max(100),
  reason: z.string().trim().min(1).max(500),
  idempotencyKey: z.string().min(1).max(200),
});
export type GrantMakeUpCardsBody = z.infer<typeof GrantMakeUpCardsBody>;

export const CheckInDto = z.object({
  id: Id,
  profileId: Id,
  day: LocalDay,
  kind: z.enum(["check_in", "make_up"]),
  /** The streak this day completed, as it stood when it was recorded. */
  streak: z.number().int(),
  points: z.number().int(),
  bonus: z.number().int(),
  source: z.string(),
  createdAt: IsoDateTime,
});
export type CheckInDto = z.infer<typeof CheckInDto>;

export const CheckInResultDto = z.object({
  checkIn: CheckInDto,
  /** The points entry (null when the day earned 0 points). */
  entryId: Id.nullable(),
  available: z.number().int(),
  makeUpCards: z.number().int(),
  replayed: z.boolean(),
});
export type CheckInResultDto = z.infer<typeof CheckInResultDto>;

export const CheckInCalendarQuery = z.strictObject({
  /** YYYY-MM in the workspace's time zone; default the current month. */
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: "must be a month as YYYY-MM" })
    .optional(),
});

export const CheckInCalendarDto = z.object({
  profileId: Id,
  month: z.string(),
  today: LocalDay,
  checkedInToday: z.boolean(),
  days: z.array(z.object({ day: LocalDay, kind: z.enum(["check_in", "make_up"]), points: z.number().int(), bonus: z.number().int() })),
  /** Consecutive days up to today (or yesterday, while today is still open). */
  currentStreak: z.number().int(),
  longestStreak: z.number().int(),
  makeUpCards: z.number().int(),
  /** Missed days a card may still fill (inside the window). */
  makeUpDays: z.array(LocalDay),
});
export type CheckInCalendarDto = z.infer<typeof CheckInCalendarDto>;

export const MakeUpCardsDto = z.object({ profileId: Id, makeUpCards: z.number().int(), replayed: z.boolean() });
export type MakeUpCardsDto = z.infer<typeof MakeUpCardsDto>;
