import { bigint, date, index, pgTable, text, timestamp, uuid } from "@siyu/storage/pg-core";

/**
 * Money spent to acquire members, entered by operators per channel or campaign and period
 * (local days, inclusive). The dashboard spreads `amount_minor` evenly over the days and divides
 * it by the new members attributed to the same channel or campaign (CAC); campaign ROI sets it
 * against the revenue credited to them.
 */
export const analyticsAcquisitionCosts = pgTable(
  "analytics_acquisition_costs",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    /** channel | campaign */
    kind: text("kind").notNull(),
    key: text("key").notNull(),
    fromDay: date("from_day", { mode: "string" }).notNull(),
    toDay: date("to_day", { mode: "string" }).notNull(),
    amountMinor: bigint("amount_minor", { mode: "number" }).notNull(),
    /** Null: the whole workspace. */
    storeId: uuid("store_id"),
    note: text("note"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("analytics_acquisition_costs_period_idx").on(t.workspaceId, t.toDay, t.fromDay)],
);
