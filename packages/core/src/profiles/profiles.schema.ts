import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "@siyu/storage/pg-core";

/**
 * One row per person, refreshed from the per-identifier facts below whenever
 * events, merges or splits touch it. `merged_into` points a merged profile's
 * old id at the profile that absorbed it.
 */
export const profiles = pgTable(
  "profiles",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    mergedInto: uuid("merged_into"),
    traits: jsonb("traits").$type<Record<string, unknown>>().notNull().default({}),
    name: text("name"),
    phone: text("phone"),
    eventCount: integer("event_count").notNull().default(0),
    firstSeenAt: timestamp("first_seen_at", { withTimezone: true }),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }),
    orderCount: integer("order_count").notNull().default(0),
    totalSpendMinor: bigint("total_spend_minor", { mode: "number" }).notNull().default(0),
    lastOrderAt: timestamp("last_order_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    index("profiles_workspace_idx").on(t.workspaceId, t.id),
    index("profiles_workspace_phone_idx").on(t.workspaceId, t.phone),
    index("profiles_workspace_last_seen_idx").on(t.workspaceId, t.lastSeenAt),
    // Walking from a live profile to the ones merged into it (liveProfileRoots: tags, consents).
    index("profiles_merged_into_idx").on(t.mergedInto),
  ],
);

/** Activity counted per identifier: adding up a profile's identifiers gives the profile's numbers, through any merge or split. */
export const profileActivity = pgTable("profile_activity", {
  identifierId: uuid("identifier_id").primaryKey(),
  workspaceId: uuid("workspace_id").notNull(),
  eventCount: integer("event_count").notNull(),
  firstSeenAt: timestamp("first_seen_at", { withTimezone: true }).notNull(),
  lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull(),
});

export const profileEventCounts = pgTable(
  "profile_event_counts",
  {
    identifierId: uuid("identifier_id").notNull(),
    workspaceId: uuid("workspace_id").notNull(),
    event: text("event").notNull(),
    count: integer("count").notNull(),
    lastAt: timestamp("last_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.identifierId, t.event] })],
);

/** The latest value of each trait per identifier; a profile shows the newest across its identifiers. */
export const profileTraits = pgTable(
  "profile_traits",
  {
    identifierId: uuid("identifier_id").notNull(),
    workspaceId: uuid("workspace_id").notNull(),
    key: text("key").notNull(),
    value: jsonb("value").notNull(),
    ts: timestamp("ts", { withTimezone: true }).notNull(),
    messageId: text("message_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.identifierId, t.key] })],
);

/** Which identifier each logged event belongs to: a profile's timeline is its identifiers' events. */
export const profileEventAnchors = pgTable(
  "profile_event_anchors",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    identifierId: uuid("identifier_id").notNull(),
  },
  (t) => [index("profile_event_anchors_identifier_idx").on(t.identifierId, t.seq)],
);

/** Orders from events or the orders API, once per order id; a refund reverses its amount. */
export const orders = pgTable(
  "orders",
  {
    workspaceId: uuid("workspace_id").notNull(),
    orderId: text("order_id").notNull(),
    identifierId: uuid("identifier_id").notNull(),
    status: text("status").notNull(),
    totalMinor: bigint("total_minor", { mode: "number" }).notNull(),
    refundedMinor: bigint("refunded_minor", { mode: "number" }).notNull().default(0),
    currency: text("currency").notNull(),
    storeId: text("store_id"),
    coupon: text("coupon"),
    products: jsonb("products").$type<unknown[]>().notNull().default([]),
    orderedAt: timestamp("ordered_at", { withTimezone: true }).notNull(),
    refundedAt: timestamp("refunded_at", { withTimezone: true }),
    messageId: text("message_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.orderId] }), index("orders_identifier_idx").on(t.identifierId)],
);
