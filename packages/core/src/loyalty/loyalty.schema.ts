import { bigint, boolean, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "@siyu/storage/pg-core";

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
    /** Which order lines the discount applies to (ProductScope); null = every product. */
    productScope: jsonb("product_scope").$type<{ includeSkus: string[] | null; includeCategories: string[] | null; excludeSkus: string[]; excludeCategories: string[] } | null>(),
    /** Stackable coupons combine on one order; at most one non-stackable coupon per order. */
    stackable: boolean("stackable").notNull().default(false),
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
    /** list (pasted ids), segment (its members copied at creation) or birthday (the daily birthday-gift job). */
    source: text("source").notNull().default("list"),
    segmentId: uuid("segment_id"),
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
    /** The coupon's issue key when not `job:<jobId>:<profileId>` (birthday gifts: `birthday:<year>:<profileId>`). */
    issueKey: text("issue_key"),
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

/**
 * One row per member per workspace-local day checked in (or made up with a card): the unique index is
 * what makes a day count once. `streak` is the run the day completed when it was recorded.
 */
export const checkIns = pgTable(
  "check_ins",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    profileId: uuid("profile_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    /** check_in | make_up */
    kind: text("kind").notNull(),
    streak: integer("streak").notNull(),
    points: integer("points").notNull(),
    bonus: integer("bonus").notNull(),
    /** The points entry that paid it (null when the day earned nothing). */
    entryId: uuid("entry_id"),
    /** operator | api | member | event */
    source: text("source").notNull(),
    idempotencyKey: text("idempotency_key"),
    actor: text("actor"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("check_ins_day_uq").on(t.workspaceId, t.profileId, t.day), uniqueIndex("check_ins_key_uq").on(t.workspaceId, t.idempotencyKey)],
);

/** Make-up cards (补签卡) a member holds: +n when granted, -1 when one fills a missed day. Held = sum(delta). */
export const makeUpCardEntries = pgTable(
  "makeup_card_entries",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    profileId: uuid("profile_id").notNull(),
    delta: integer("delta").notNull(),
    reason: text("reason"),
    source: text("source").notNull(),
    idempotencyKey: text("idempotency_key"),
    /** The day a used card filled. */
    day: date("day", { mode: "string" }),
    actor: text("actor"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("makeup_card_entries_key_uq").on(t.workspaceId, t.idempotencyKey), index("makeup_card_entries_profile_idx").on(t.workspaceId, t.profileId)],
);

/**
 * Points an activity rule paid for one logged event: once per (rule, message id). The caps count these
 * rows by member and local day / month, and by local day for the whole workspace.
 */
export const activityAwards = pgTable(
  "activity_awards",
  {
    workspaceId: uuid("workspace_id").notNull(),
    ruleCode: text("rule_code").notNull(),
    messageId: text("message_id").notNull(),
    profileId: uuid("profile_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    points: integer("points").notNull(),
    entryId: uuid("entry_id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.ruleCode, t.messageId] }),
    index("activity_awards_member_idx").on(t.workspaceId, t.profileId, t.ruleCode, t.day),
    index("activity_awards_day_idx").on(t.workspaceId, t.ruleCode, t.day),
  ],
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
