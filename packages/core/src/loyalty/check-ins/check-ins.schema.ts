import { date, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "@siyu/storage/pg-core";

/**
 * One row per member per workspace-local day checked in (or made up with a card): the unique index is
 * what makes a day count once. `streak` is the run the day completed when it was recorded.
 */
export const checkIns = pgTable(
  "check_ins",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    profileId: uuid("profile_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    /** check_in | make_up */
    kind: text("kind").notNull(),
    streak: integer("streak").notNull(),
    points: integer("points").notNull(),
    bonus: integer("bonus").notNull(),
    /** The points entry that paid it (null when the day earned nothing). */
    entryId: uuid("entry_id"),
    /** operator | api | member | event */
    source: text("source").notNull(),
    idempotencyKey: text("idempotency_key"),
    actor: text("actor"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("check_ins_day_uq").on(t.workspaceId, t.profileId, t.day), uniqueIndex("check_ins_key_uq").on(t.workspaceId, t.idempotencyKey)],
);

/** Make-up cards (补签卡) a member holds: +n when granted, -1 when one fills a missed day. Held = sum(delta). */
export const makeUpCardEntries = pgTable(
  "makeup_card_entries",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    profileId: uuid("profile_id").notNull(),
    delta: integer("delta").notNull(),
    reason: text("reason"),
    source: text("source").notNull(),
    idempotencyKey: text("idempotency_key"),
    /** The day a used card filled. */
    day: date("day", { mode: "string" }),
    actor: text("actor"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("makeup_card_entries_key_uq").on(t.workspaceId, t.idempotencyKey), index("makeup_card_entries_profile_idx").on(t.workspaceId, t.profileId)],
);
