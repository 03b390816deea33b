import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "@siyu/storage/pg-core";

// Times cards and annual cards: products, the cards members hold, and each card's uses ledger.

/** Card products: a times card (N uses) or an annual card (unlimited, optionally K per local day), its price, validity and store scope. */
export const cardProducts = pgTable(
  "card_products",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    name: text("name").notNull(),
    kind: text("kind").notNull(),
    uses: integer("uses"),
    dailyLimit: integer("daily_limit"),
    validityDays: integer("validity_days").notNull(),
    priceMinor: bigint("price_minor", { mode: "number" }).notNull(),
    storeIds: jsonb("store_ids").$type<string[] | null>(),
    status: text("status").notNull(),
    issuedCount: integer("issued_count").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("card_products_workspace_idx").on(t.workspaceId, t.createdAt)],
);

/**
 * A card a member holds, with the product's terms copied at issue. `uses_remaining` (times cards) is a
 * cache of the sum of its entries' deltas, changed only in the transaction that appends them.
 */
export const memberCards = pgTable(
  "member_cards",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    profileId: uuid("profile_id").notNull(),
    productId: uuid("product_id").notNull(),
    name: text("name").notNull(),
    kind: text("kind").notNull(),
    status: text("status").notNull(),
    usesTotal: integer("uses_total"),
    usesRemaining: integer("uses_remaining"),
    usesCount: integer("uses_count").notNull().default(0),
    dailyLimit: integer("daily_limit"),
    storeIds: jsonb("store_ids").$type<string[] | null>(),
    priceMinor: bigint("price_minor", { mode: "number" }).notNull(),
    storedValueTxId: uuid("stored_value_tx_id"),
    issueKey: text("issue_key").notNull(),
    validFrom: timestamp("valid_from", { withTimezone: true }).notNull(),
    validUntil: timestamp("valid_until", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex("member_cards_issue_key_uq").on(t.workspaceId, t.issueKey),
    index("member_cards_profile_idx").on(t.workspaceId, t.profileId, t.createdAt),
    index("member_cards_expiry_idx").on(t.status, t.validUntil),
  ],
);

/** The uses ledger of a card: issue (+uses), use (-1), void and expire (what is left). Append-only. */
export const cardEntries = pgTable(
  "card_entries",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    cardId: uuid("card_id").notNull(),
    profileId: uuid("profile_id").notNull(),
    kind: text("kind").notNull(),
    delta: integer("delta").notNull(),
    /** The workspace-local day of a use, for annual cards' daily limit. */
    useDay: text("use_day"),
    storeId: text("store_id"),
    reference: text("reference"),
    idempotencyKey: text("idempotency_key"),
    actor: text("actor"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("card_entries_key_uq").on(t.workspaceId, t.idempotencyKey), index("card_entries_card_idx").on(t.cardId, t.useDay)],
);
