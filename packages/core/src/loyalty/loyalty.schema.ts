import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "@siyu/storage/pg-core";

// The loyalty settings are a row of workspace_settings (module "loyalty", see loyalty.settings.ts).

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
    index("points_entries_day_idx").on(t.workspaceId, t.profileId, t.earnDay),
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
    index("points_buckets_expiry_idx").on(t.workspaceId, t.status, t.expiresAt),
    index("points_buckets_pending_idx").on(t.workspaceId, t.status, t.pendingUntil),
    index("points_buckets_order_idx").on(t.workspaceId, t.orderId),
  ],
);

/** Coupon templates: what a coupon gives, when it is valid, how many exist and who may hold how many. */
export const couponTemplates = pgTable(
  "coupon_templates",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    name: text("name").notNull(),
    kind: text("kind").notNull(),
    amountMinor: bigint("amount_minor", { mode: "number" }),
    percentOff: integer("percent_off"),
    capMinor: bigint("cap_minor", { mode: "number" }),
    thresholdMinor: bigint("threshold_minor", { mode: "number" }),
    itemSku: text("item_sku"),
    validity: jsonb("validity").$type<{ kind: "fixed"; from: string; until: string } | { kind: "relative"; days: number }>().notNull(),
    totalStock: integer("total_stock"),
    issuedCount: integer("issued_count").notNull().default(0),
    perMemberLimit: integer("per_member_limit"),
    perMemberDailyLimit: integer("per_member_daily_limit"),
    storeIds: jsonb("store_ids").$type<string[] | null>(),
    /** Points a member pays to get one (exchange); null = not for points. */
    pointsCost: integer("points_cost"),
    status: text("status").notNull(),
    /** Members may claim it themselves (member API). */
    claimable: boolean("claimable").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("coupon_templates_workspace_idx").on(t.workspaceId, t.createdAt)],
);

/** Issued coupons. `issue_key` makes an issue request idempotent; `code` is unguessable and unique per workspace. */
export const coupons = pgTable(
  "coupons",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    templateId: uuid("template_id").notNull(),
    profileId: uuid("profile_id").notNull(),
    code: text("code").notNull(),
    status: text("status").notNull(),
    issueKey: text("issue_key"),
    issueDay: text("issue_day").notNull(),
    issuedAt: timestamp("issued_at", { withTimezone: true }).notNull(),
    validFrom: timestamp("valid_from", { withTimezone: true }).notNull(),
    validUntil: timestamp("valid_until", { withTimezone: true }).notNull(),
    redeemedAt: timestamp("redeemed_at", { withTimezone: true }),
    orderId: text("order_id"),
    storeId: text("store_id"),
    discountMinor: bigint("discount_minor", { mode: "number" }),
  },
  (t) => [
    uniqueIndex("coupons_code_uq").on(t.workspaceId, t.code),
    uniqueIndex("coupons_issue_key_uq").on(t.workspaceId, t.issueKey),
    index("coupons_profile_idx").on(t.workspaceId, t.profileId, t.templateId),
    index("coupons_template_day_idx").on(t.workspaceId, t.templateId, t.profileId, t.issueDay),
    index("coupons_expiry_idx").on(t.workspaceId, t.status, t.validUntil),
    index("coupons_order_idx").on(t.workspaceId, t.orderId),
  ],
);

/**
 * A bulk issue of one template to many customers, worked through in batches by the worker. Each batch
 * commits its coupons together with its members' states, so a crash replays the batch or none of it:
 * every member ends with exactly one coupon or one refusal.
 */
export const couponIssueJobs = pgTable(
  "coupon_issue_jobs",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    templateId: uuid("template_id").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    status: text("status").notNull(),
    total: integer("total").notNull(),
    issued: integer("issued").notNull().default(0),
    refused: integer("refused").notNull().default(0),
    actor: text("actor"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("coupon_issue_jobs_key_uq").on(t.workspaceId, t.idempotencyKey), index("coupon_issue_jobs_status_idx").on(t.status, t.createdAt)],
);

export const couponIssueJobMembers = pgTable(
  "coupon_issue_job_members",
  {
    jobId: uuid("job_id").notNull(),
    profileId: uuid("profile_id").notNull(),
    state: text("state").notNull(),
    errorCode: text("error_code"),
    couponId: uuid("coupon_id"),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.profileId] }), index("coupon_issue_job_members_state_idx").on(t.jobId, t.state, t.profileId)],
);

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
