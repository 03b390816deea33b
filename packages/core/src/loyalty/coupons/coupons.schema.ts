import { sql } from "@siyu/storage/orm";
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "@siyu/storage/pg-core";

// Coupon templates, issued coupons and bulk issue jobs.

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
    /** Set once the expiry job has seen the coupon past its validity (expiring it if it was available), or a refund gave it back too late. */
    lapsed: boolean("lapsed").notNull().default(false),
  },
  (t) => [
    uniqueIndex("coupons_code_uq").on(t.workspaceId, t.code),
    uniqueIndex("coupons_issue_key_uq").on(t.workspaceId, t.issueKey),
    // A member's coupons (newest first on the customer page), of one template, issued on one day (the limits).
    index("coupons_member_idx").on(t.workspaceId, t.profileId, t.templateId, t.issueDay),
    // The expiry job reads by date across workspaces the coupons it has not yet seen past their date. No
    // index names a column a redemption changes (status, order, store, discount), so marking a coupon
    // redeemed is a HOT update that writes no index entry (bench/RESULTS.md, run 36), given room on its
    // page (fillfactor 80, migration 0036).
    index("coupons_lapsing_idx").on(t.validUntil).where(sql`${t.lapsed} = false`),
  ],
);

/**
 * The coupons on each order, one row per redeemed coupon (its key: a coupon is on one order at a time),
 * written with the redemption and deleted when a refund gives the coupon back. Orders find their
 * coupons here, so `coupons.order_id` needs no index (a redemption stays a HOT update of its coupon).
 */
export const couponRedemptions = pgTable(
  "coupon_redemptions",
  {
    couponId: uuid("coupon_id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    orderId: text("order_id").notNull(),
  },
  // The order leads: with the workspace first, a planner whose statistics predated the first redemption
  // read every redeemed coupon of the workspace and filtered them by order.
  (t) => [index("coupon_redemptions_order_idx").on(t.orderId, t.workspaceId)],
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
