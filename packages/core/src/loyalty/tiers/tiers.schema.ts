import { bigint, pgTable, primaryKey, text, timestamp, uuid } from "@siyu/storage/pg-core";

/** Each member's tier: the level, the growth value it was judged on, and when it began or fell below. */
export const memberTiers = pgTable(
  "member_tiers",
  {
    workspaceId: uuid("workspace_id").notNull(),
    profileId: uuid("profile_id").notNull(),
    tier: text("tier").notNull(),
    growth: bigint("growth", { mode: "number" }).notNull(),
    since: timestamp("since", { withTimezone: true }).notNull(),
    belowSince: timestamp("below_since", { withTimezone: true }),
    lastInactivityDropAt: timestamp("last_inactivity_drop_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.profileId] })],
);
