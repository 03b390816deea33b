import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "@siyu/storage/pg-core";

/** A lottery: points per draw (0 = free), per-member limits, a validity window and its prizes. */
export const lotteryCampaigns = pgTable(
  "lottery_campaigns",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    name: text("name").notNull(),
    description: text("description"),
    pointsCost: integer("points_cost").notNull(),
    perMemberDailyLimit: integer("per_member_daily_limit"),
    perMemberLimit: integer("per_member_limit"),
    startsAt: timestamp("starts_at", { withTimezone: true }),
    endsAt: timestamp("ends_at", { withTimezone: true }),
    status: text("status").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("lottery_campaigns_workspace_idx").on(t.workspaceId, t.createdAt)],
);

/** A campaign's prizes: weight among those in stock; `stock` is what is left (null = unlimited). Removed prizes stay for the draws that won them. */
export const lotteryPrizes = pgTable(
  "lottery_prizes",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    campaignId: uuid("campaign_id").notNull(),
    position: integer("position").notNull(),
    name: text("name").notNull(),
    kind: text("kind").notNull(),
    points: integer("points"),
    templateId: uuid("template_id"),
    itemId: uuid("item_id"),
    weight: integer("weight").notNull(),
    stock: integer("stock"),
    awardedCount: integer("awarded_count").notNull().default(0),
    removed: boolean("removed").notNull().default(false),
  },
  (t) => [index("lottery_prizes_campaign_idx").on(t.campaignId, t.position)],
);

/** One draw, once per idempotency key: what it cost and what it gave. */
export const lotteryDraws = pgTable(
  "lottery_draws",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    campaignId: uuid("campaign_id").notNull(),
    profileId: uuid("profile_id").notNull(),
    prizeId: uuid("prize_id"),
    prizeKind: text("prize_kind").notNull(),
    prizeName: text("prize_name").notNull(),
    pointsCost: integer("points_cost").notNull(),
    pointsAwarded: integer("points_awarded"),
    costEntryId: uuid("cost_entry_id"),
    awardEntryId: uuid("award_entry_id"),
    couponId: uuid("coupon_id"),
    redemptionId: uuid("redemption_id"),
    idempotencyKey: text("idempotency_key").notNull(),
    drawDay: text("draw_day").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex("lottery_draws_key_uq").on(t.workspaceId, t.idempotencyKey),
    index("lottery_draws_member_idx").on(t.campaignId, t.profileId, t.drawDay),
    index("lottery_draws_list_idx").on(t.workspaceId, t.campaignId, t.createdAt),
  ],
);
