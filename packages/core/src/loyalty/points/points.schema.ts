import { sql } from "@siyu/storage/orm";
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "@siyu/storage/pg-core";

// The points ledger: accounts (cached balances), entries (append-only) and buckets (what expires FIFO).

/**
 * The cached balance of one profile, changed only in the transaction that appends the entries:
 * available == sum(entries.delta), pending == sum(entries.pending_delta). `version` counts changes.
 */
export const pointsAccounts = pgTable(
  "points_accounts",
  {
    workspaceId: uuid("workspace_id").notNull(),
    profileId: uuid("profile_id").notNull(),
    available: bigint("available", { mode: "number" }).notNull().default(0),
    pending: bigint("pending", { mode: "number" }).notNull().default(0),
    lifetimeEarned: bigint("lifetime_earned", { mode: "number" }).notNull().default(0),
    version: integer("version").notNull().default(0),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.profileId] })],
);

/**
 * The points ledger: append-only. `delta` moves available points, `pending_delta` pending ones.
 * `idempotency_key` (unique per workspace) makes a replayed request return the first entry.
 * `allocations` lists the buckets a debit consumed ({ bucket, amount }), so it can be reversed exactly.
 */
export const pointsEntries = pgTable(
  "points_entries",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    profileId: uuid("profile_id").notNull(),
    kind: text("kind").notNull(),
    delta: bigint("delta", { mode: "number" }).notNull(),
    pendingDelta: bigint("pending_delta", { mode: "number" }).notNull().default(0),
    reason: text("reason"),
    source: text("source").notNull(),
    idempotencyKey: text("idempotency_key"),
    bucketId: uuid("bucket_id"),
    reversesEntryId: uuid("reverses_entry_id"),
    orderId: text("order_id"),
    /** The workspace-local day of an order earn, for per-member daily caps. */
    earnDay: text("earn_day"),
    allocations: jsonb("allocations").$type<{ bucket: string; amount: number }[]>().notNull().default([]),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    actor: text("actor"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    pendingUntil: timestamp("pending_until", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("points_entries_idempotency_uq").on(t.workspaceId, t.idempotencyKey),
    index("points_entries_profile_idx").on(t.workspaceId, t.profileId, t.createdAt),
    // Partial: only order earns have a day and only reversals reverse, so other entries cost these indexes nothing.
    index("points_entries_day_idx").on(t.workspaceId, t.profileId, t.earnDay).where(sql`${t.earnDay} is not null`),
    index("points_entries_reverses_idx").on(t.workspaceId, t.reversesEntryId).where(sql`${t.reversesEntryId} is not null`),
  ],
);

/**
 * Points earned together (one order, one adjustment), consumed oldest first.
 * status: pending → available → expired; `remaining` is what is left to spend (or, while pending, to release).
 */
export const pointsBuckets = pgTable(
  "points_buckets",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    profileId: uuid("profile_id").notNull(),
    entryId: uuid("entry_id").notNull(),
    status: text("status").notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
    remaining: bigint("remaining", { mode: "number" }).notNull(),
    reversed: bigint("reversed", { mode: "number" }).notNull().default(0),
    orderId: text("order_id"),
    earnedAt: timestamp("earned_at", { withTimezone: true }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    pendingUntil: timestamp("pending_until", { withTimezone: true }),
  },
  (t) => [
    index("points_buckets_fifo_idx").on(t.workspaceId, t.profileId, t.status, t.earnedAt),
    // The expiry and release jobs look across workspaces by date: the date leads, and only buckets
    // that can still expire (be released) are in the index.
    index("points_buckets_expiry_idx").on(t.expiresAt).where(sql`${t.status} = 'available' and ${t.expiresAt} is not null`),
    index("points_buckets_pending_idx").on(t.pendingUntil).where(sql`${t.status} = 'pending'`),
    index("points_buckets_order_idx").on(t.workspaceId, t.orderId).where(sql`${t.orderId} is not null`),
  ],
);
