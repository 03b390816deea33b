import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "@siyu/storage/pg-core";

// Stored value (储值) on a double-entry ledger, and the lots a balance is made of.

/** Stored value (储值) per member: a cache of the postings on the member's two liability accounts. */
export const storedValueAccounts = pgTable(
  "stored_value_accounts",
  {
    workspaceId: uuid("workspace_id").notNull(),
    profileId: uuid("profile_id").notNull(),
    principalMinor: bigint("principal_minor", { mode: "number" }).notNull().default(0),
    bonusMinor: bigint("bonus_minor", { mode: "number" }).notNull().default(0),
    version: integer("version").notNull().default(0),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.profileId] })],
);

/** One stored-value operation (top-up, spend, refund), once per idempotency key. */
export const storedValueTransactions = pgTable(
  "stored_value_transactions",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    profileId: uuid("profile_id").notNull(),
    kind: text("kind").notNull(),
    principalMinor: bigint("principal_minor", { mode: "number" }).notNull(),
    bonusMinor: bigint("bonus_minor", { mode: "number" }).notNull(),
    orderId: text("order_id"),
    reference: text("reference"),
    reversesId: uuid("reverses_id"),
    /** The lots it took from or gave back to: [{ lot, principal, bonus }], amounts positive. */
    allocations: jsonb("allocations").$type<{ lot: string; principal: number; bonus: number }[]>().notNull().default([]),
    idempotencyKey: text("idempotency_key").notNull(),
    actor: text("actor"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex("stored_value_transactions_key_uq").on(t.workspaceId, t.idempotencyKey),
    index("stored_value_transactions_profile_idx").on(t.workspaceId, t.profileId, t.createdAt),
    index("stored_value_transactions_order_idx").on(t.workspaceId, t.orderId),
  ],
);

/**
 * Double entry: every transaction's postings sum to zero. Debits are positive. Accounts:
 * cash (money received), member_principal and member_bonus (what the brand owes members, credit
 * balances), bonus_expense (bonus given), sales (stored value spent on orders).
 */
export const storedValuePostings = pgTable(
  "stored_value_postings",
  {
    id: uuid("id").primaryKey(),
    transactionId: uuid("transaction_id").notNull(),
    workspaceId: uuid("workspace_id").notNull(),
    profileId: uuid("profile_id").notNull(),
    account: text("account").notNull(),
    amountMinor: bigint("amount_minor", { mode: "number" }).notNull(),
  },
  (t) => [index("stored_value_postings_tx_idx").on(t.transactionId), index("stored_value_postings_profile_idx").on(t.workspaceId, t.profileId, t.account)],
);

/**
 * What a member's stored value is made of, one lot per top-up: its principal and bonus not yet spent.
 * Spends take from the oldest lots first; a spend's refund gives back to the lots it took from; a top-up
 * refund pays out its lot's principal and forfeits its bonus; the bonus expires at `bonus_expires_at`.
 * Invariant: per member, sum(principal_remaining) == principal and sum(bonus_remaining) == bonus.
 */
export const storedValueLots = pgTable(
  "stored_value_lots",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    profileId: uuid("profile_id").notNull(),
    /** The top-up it came from; null for the opening lot of a balance older than lots. */
    topupId: uuid("topup_id"),
    principalMinor: bigint("principal_minor", { mode: "number" }).notNull(),
    bonusMinor: bigint("bonus_minor", { mode: "number" }).notNull(),
    principalRemaining: bigint("principal_remaining", { mode: "number" }).notNull(),
    bonusRemaining: bigint("bonus_remaining", { mode: "number" }).notNull(),
    bonusExpiresAt: timestamp("bonus_expires_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    index("stored_value_lots_profile_idx").on(t.workspaceId, t.profileId, t.createdAt),
    index("stored_value_lots_expiry_idx").on(t.bonusExpiresAt),
    uniqueIndex("stored_value_lots_topup_uq").on(t.topupId),
  ],
);
