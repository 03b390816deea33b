import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "@siyu/storage/pg-core";
import type { SegmentRule } from "@siyu/contracts";

/** Badges and honour titles granted by a segments rule. */
export const loyaltyBadges = pgTable(
  "loyalty_badges",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    code: text("code").notNull(),
    nameZh: text("name_zh").notNull(),
    nameEn: text("name_en").notNull().default(""),
    description: text("description").notNull().default(""),
    /** badge | title */
    kind: text("kind").notNull(),
    rule: jsonb("rule").$type<SegmentRule>().notNull(),
    revokeWhenNoLongerMatching: boolean("revoke_when_no_longer_matching").notNull().default(false),
    rewardPoints: integer("reward_points"),
    status: text("status").notNull(),
    lastEvaluatedAt: timestamp("last_evaluated_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("loyalty_badges_code_uq").on(t.workspaceId, t.code)],
);

/** Who holds a badge: granted_at, and revoked_at once a revocable badge's rule no longer matches (a new grant clears it). */
export const loyaltyBadgeHoldings = pgTable(
  "loyalty_badge_holdings",
  {
    workspaceId: uuid("workspace_id").notNull(),
    badgeId: uuid("badge_id").notNull(),
    profileId: uuid("profile_id").notNull(),
    grantedAt: timestamp("granted_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.badgeId, t.profileId] }), index("loyalty_badge_holdings_profile_idx").on(t.workspaceId, t.profileId)],
);
