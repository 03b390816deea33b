import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "@siyu/storage/pg-core";

/**
 * The redemption catalogue: goods with stock (optionally points + cash) and coupons for points.
 * `stock` is what is left (null = unlimited); `redeemed_count` counts redemptions not cancelled.
 */
export const catalogueItems = pgTable(
  "catalogue_items",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    kind: text("kind").notNull(),
    sku: text("sku"),
    name: text("name").notNull(),
    description: text("description"),
    imageUrl: text("image_url"),
    pointsCost: integer("points_cost").notNull(),
    cashMinor: bigint("cash_minor", { mode: "number" }),
    stock: integer("stock"),
    redeemedCount: integer("redeemed_count").notNull().default(0),
    perMemberLimit: integer("per_member_limit"),
    perMemberDailyLimit: integer("per_member_daily_limit"),
    availableFrom: timestamp("available_from", { withTimezone: true }),
    availableUntil: timestamp("available_until", { withTimezone: true }),
    storeIds: jsonb("store_ids").$type<string[] | null>(),
    templateId: uuid("template_id"),
    status: text("status").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("catalogue_items_workspace_idx").on(t.workspaceId, t.status, t.createdAt)],
);

/**
 * One redemption (or a goods prize of a draw): awaiting_payment → pending → fulfilled, or cancelled (points,
 * stored value and stock back, once). `idempotency_key` (unique per workspace) makes a redeem request replayable;
 * `request` is what it asked for, so a key reused for something else is a conflict.
 */
export const redemptionOrders = pgTable(
  "redemption_orders",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    profileId: uuid("profile_id").notNull(),
    itemId: uuid("item_id").notNull(),
    itemKind: text("item_kind").notNull(),
    itemName: text("item_name").notNull(),
    source: text("source").notNull(),
    status: text("status").notNull(),
    pointsCost: integer("points_cost").notNull(),
    cashMinor: bigint("cash_minor", { mode: "number" }),
    payWith: text("pay_with"),
    paymentReference: text("payment_reference"),
    paymentDueAt: timestamp("payment_due_at", { withTimezone: true }),
    storeId: text("store_id"),
    couponId: uuid("coupon_id"),
    pointsEntryId: uuid("points_entry_id"),
    storedValueTransactionId: uuid("stored_value_transaction_id"),
    fulfilment: text("fulfilment"),
    note: text("note"),
    cancelReason: text("cancel_reason"),
    idempotencyKey: text("idempotency_key"),
    request: text("request"),
    redeemDay: text("redeem_day").notNull(),
    actor: text("actor"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    fulfilledAt: timestamp("fulfilled_at", { withTimezone: true }),
    cancelledAt: timestamp("cancelled_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("redemption_orders_key_uq").on(t.workspaceId, t.idempotencyKey),
    index("redemption_orders_list_idx").on(t.workspaceId, t.createdAt),
    index("redemption_orders_member_idx").on(t.workspaceId, t.itemId, t.profileId, t.redeemDay),
    index("redemption_orders_due_idx").on(t.status, t.paymentDueAt),
  ],
);
