import { z } from "zod";
import { Id, IsoDateTime } from "./common";
import { ActivitySettings, CheckInSettings } from "./loyalty-activities";

const Multiplier = z.number().min(0).max(100);
const Key = z.string().min(1).max(200);

/**
 * Every loyalty number is a per-workspace setting; these are the defaults a workspace starts with.
 * Points are whole numbers; money is in the workspace currency's major units (元) unless named *Minor.
 */
export const TierLevel = z.strictObject({
  code: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, { message: "must be a lower-case code such as gold" }),
  name: z.string().trim().min(1).max(50),
  /** Growth value from which this level applies. The first level's must be 0. */
  threshold: z.number().int().min(0).max(1_000_000_000),
  /** Benefits: earn multiplier and flags the brand's systems read. */
  pointsMultiplier: Multiplier.default(1),
  freeShipping: z.boolean().default(false),
  priorityPurchase: z.boolean().default(false),
  exclusiveService: z.boolean().default(false),
  /** The coupon template this level's members get as a birthday gift (issued by the daily birthday job; see tiers.birthdayGift). */
  birthdayGiftTemplateId: Id.nullable().default(null),
});
export type TierLevel = z.infer<typeof TierLevel>;

const DEFAULT_TIER_LEVELS = [
  { code: "bronze", name: "铜卡 Bronze", threshold: 0 },
  { code: "silver", name: "银卡 Silver", threshold: 1000, pointsMultiplier: 1.2 },
  { code: "gold", name: "金卡 Gold", threshold: 3000, pointsMultiplier: 1.5, freeShipping: true },
  { code: "platinum", name: "铂金卡 Platinum", threshold: 8000, pointsMultiplier: 1.8, freeShipping: true, priorityPurchase: true },
  { code: "diamond", name: "钻石卡 Diamond", threshold: 20000, pointsMultiplier: 2, freeShipping: true, priorityPurchase: true, exclusiveService: true },
];

export const TierSettings = z
  .strictObject({
    enabled: z.boolean().default(true),
    levels: z.array(TierLevel).min(1).max(20).default(DEFAULT_TIER_LEVELS.map((l) => TierLevel.parse(l))),
    /** Growth value per unit of net spend (spend minus refunds). */
    growthPerCurrencyUnit: z.number().min(0).max(10_000).default(1),
    /** rolling_12_months: the last 12 months; calendar_year: this year, and last year's level holds until the grace after 1 January. */
    window: z.enum(["rolling_12_months", "calendar_year"]).default("rolling_12_months"),
    /** Days a member keeps a level after falling below it (rolling), or after 1 January (calendar year). */
    downgradeGraceDays: z.number().int().min(0).max(365).default(30),
    /** The brand plans' rule: fewer than minOrders orders in `days` days → drop a level (at most once per `days`). */
    inactivityDrop: z
      .strictObject({ enabled: z.boolean().default(false), days: z.number().int().min(1).max(365).default(30), minOrders: z.number().int().min(1).max(100).default(1) })
      .prefault({}),
    /**
     * When the birthday gift (a level's birthdayGiftTemplateId) is issued, in the workspace's time zone:
     * on the birthday or on the first day of the birthday month, `daysBefore` days earlier. A job that
     * missed the day catches up until the birthday itself. 29 February birthdays count as 28 February in other years.
     */
    birthdayGift: z
      .strictObject({ on: z.enum(["birthday", "month_start"]).default("birthday"), daysBefore: z.number().int().min(0).max(60).default(0) })
      .prefault({}),
  })
  .superRefine((t, ctx) => {
    if (t.levels[0]!.threshold !== 0) ctx.addIssue({ code: "custom", path: ["levels", 0, "threshold"], message: "the first level starts at 0" });
    t.levels.forEach((l, i) => {
      if (i > 0 && l.threshold <= t.levels[i - 1]!.threshold) ctx.addIssue({ code: "custom", path: ["levels", i, "threshold"], message: "must be above the previous level's" });
      if (t.levels.findIndex((o) => o.code === l.code) !== i) ctx.addIssue({ code: "custom", path: ["levels", i, "code"], message: "is used twice" });
    });
  });
export type TierSettings = z.infer<typeof TierSettings>;

export const LoyaltySettings = z.strictObject({
  points: z
    .strictObject({
      /** Points per 1 unit of currency spent (1 CNY → 1 point). */
      perCurrencyUnit: z.number().min(0).max(10_000).default(1),
      /** How earned points expire: rolling N months after earning, a fixed day of the year N years after earning, or never. */
      expiry: z
        .discriminatedUnion("mode", [
          z.strictObject({ mode: z.literal("rolling"), months: z.number().int().min(1).max(120) }),
          z.strictObject({
            mode: z.literal("fixed"),
            /** 1 = the end of next year when month/day are 12/31. */
            yearsAfter: z.number().int().min(0).max(10),
            month: z.number().int().min(1).max(12),
            day: z.number().int().min(1).max(31),
          }),
          z.strictObject({ mode: z.literal("never") }),
        ])
        .default({ mode: "rolling", months: 24 }),
      /** Order points stay pending this many days (refund window), then are released. 0 = at once. */
      pendingDays: z.number().int().min(0).max(365).default(7),
      /** Whether refund reversals and manual deductions may take the balance below zero. Redemptions never may. */
      allowNegative: z.boolean().default(false),
    })
    .prefault({}),
  earn: z
    .strictObject({
      /** Multipliers keyed by the store_id orders carry. */
      storeMultipliers: z.record(Key, Multiplier).default({}),
      /** Multipliers keyed by a product's `category`, applied to that line's share of the order. */
      categoryMultipliers: z.record(Key, Multiplier).default({}),
      /** Applied in the member's birthday month (trait `birthday`, YYYY-MM-DD or MM-DD), in the workspace's time zone. */
      birthdayMonthMultiplier: Multiplier.default(2),
      /** Member days: days of the month (1–31) and/or weekdays (1 = Monday … 7 = Sunday). */
      memberDay: z
        .strictObject({
          daysOfMonth: z.array(z.number().int().min(1).max(31)).max(31).default([]),
          weekdays: z.array(z.number().int().min(1).max(7)).max(7).default([]),
          multiplier: Multiplier.default(2),
        })
        .prefault({}),
      /** "highest": the largest multiplier applies; "multiply": they compound. */
      stacking: z.enum(["highest", "multiply"]).default("highest"),
      /** Most points one member earns from orders per workspace-local day; null = no cap. */
      dailyCapPerMember: z.number().int().min(1).nullable().default(null),
    })
    .prefault({}),
  tiers: TierSettings.prefault({}),
  storedValue: z
    .strictObject({
      /** Top-up bonus (充值赠送): the highest rule the top-up reaches applies. Minor units. */
      bonusRules: z
        .array(z.strictObject({ minTopupMinor: z.number().int().min(1).max(100_000_000_00), bonusMinor: z.number().int().min(1).max(100_000_000_00) }))
        .max(20)
        .default([]),
      /** Which balance a spend takes first. */
      spendOrder: z.enum(["principal_first", "bonus_first"]).default("principal_first"),
      /** The bonus of a top-up expires this many days after it (job `loyalty.bonus_expiry`); null = never. */
      bonusExpiryDays: z.number().int().min(1).max(3650).nullable().default(null),
    })
    .prefault({}),
  liability: z
    .strictObject({
      /** What one point is worth to the brand, in minor units (1 = 0.01 CNY), for the liability report. */
      pointValueMinor: z.number().min(0).max(100_000).default(1),
    })
    .prefault({}),
  catalogue: z
    .strictObject({
      /** A points + cash redemption paid outside Siyu is cancelled (points and stock back) when unpaid this long. */
      paymentTimeoutMinutes: z.number().int().min(1).max(10_080).default(30),
    })
    .prefault({}),
  /** Daily check-ins: base points, streak bonuses, make-up cards (see loyalty-activities.ts). */
  checkIns: CheckInSettings.prefault({}),
  /** Activity earn rules: points per event (share, review, UGC, task, referral …) with caps. */
  activities: ActivitySettings.prefault({}),
});
export type LoyaltySettings = z.infer<typeof LoyaltySettings>;
export const DEFAULT_LOYALTY_SETTINGS: LoyaltySettings = LoyaltySettings.parse({});
/** PUT replaces the settings; omitted fields take their defaults. */
export const PutLoyaltySettingsBody = LoyaltySettings;
export type PutLoyaltySettingsBody = z.input<typeof LoyaltySettings>;

export const POINTS_ENTRY_KINDS = ["earn", "redeem", "expire", "reverse", "adjust", "release", "transfer"] as const;
export const PointsEntryKind = z.enum(POINTS_ENTRY_KINDS);
export type PointsEntryKind = z.infer<typeof PointsEntryKind>;

export const PointsBalanceDto = z.object({
  profileId: Id,
  available: z.number().int(),
  pending: z.number().int(),
  lifetimeEarned: z.number().int(),
  version: z.number().int(),
});
export type PointsBalanceDto = z.infer<typeof PointsBalanceDto>;

export const PointsEntryDto = z.object({
  id: Id,
  profileId: Id,
  kind: PointsEntryKind,
  delta: z.number().int(),
  pendingDelta: z.number().int(),
  reason: z.string().nullable(),
  source: z.string(),
  idempotencyKey: z.string().nullable(),
  orderId: z.string().nullable(),
  reversesEntryId: Id.nullable(),
  createdAt: IsoDateTime,
  expiresAt: IsoDateTime.nullable(),
  pendingUntil: IsoDateTime.nullable(),
  actor: z.string().nullable(),
});
export type PointsEntryDto = z.infer<typeof PointsEntryDto>;
export const PointsHistoryDto = z.object({ items: z.array(PointsEntryDto), nextCursor: z.string().nullable() });
export type PointsHistoryDto = z.infer<typeof PointsHistoryDto>;
export const PointsHistoryQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: Id.optional(),
});

export const IdempotencyKey = z.string().min(1).max(200);

export const AdjustPointsBody = z.strictObject({
  /** Positive adds a bucket that expires by the rules; negative takes the oldest points first. */
  delta: z.number().int().min(-100_000_000).max(100_000_000).refine((n) => n !== 0, { message: "must not be 0" }),
  reason: z.string().trim().min(1).max(500),
  idempotencyKey: IdempotencyKey,
});
export type AdjustPointsBody = z.infer<typeof AdjustPointsBody>;

export const RedeemPointsBody = z.strictObject({
  points: z.number().int().min(1).max(100_000_000),
  reason: z.string().trim().min(1).max(500),
  idempotencyKey: IdempotencyKey,
});
export type RedeemPointsBody = z.infer<typeof RedeemPointsBody>;

export const PointsOperationDto = z.object({ entry: PointsEntryDto, balance: PointsBalanceDto, replayed: z.boolean() });
export type PointsOperationDto = z.infer<typeof PointsOperationDto>;

export const COUPON_KINDS = ["fixed", "percent", "threshold", "free_item", "shipping"] as const;
export const CouponKind = z.enum(COUPON_KINDS);
export type CouponKind = z.infer<typeof CouponKind>;

const Minor = z.number().int().min(1).max(100_000_000_00);
export const CouponValidity = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("fixed"), from: IsoDateTime, until: IsoDateTime }),
  z.strictObject({ kind: z.literal("relative"), days: z.number().int().min(1).max(3650) }),
]);
export type CouponValidity = z.infer<typeof CouponValidity>;

const ScopeList = z.array(Key).min(1).max(1000);
export const ProductScope = z.strictObject({
  includeSkus: ScopeList.nullable().default(null),
  includeCategories: ScopeList.nullable().default(null),
  excludeSkus: z.array(Key).max(1000).default([]),
  excludeCategories: z.array(Key).max(1000).default([]),
});
export type ProductScope = z.infer<typeof ProductScope>;

const CouponTemplateFields = z.strictObject({
  name: z.string().trim().min(1).max(200),
  kind: CouponKind,
  /** fixed / threshold: the discount; shipping: the most shipping it covers. In minor units (分). */
  amountMinor: Minor.nullable().default(null),
  /** percent: 1–99 % off … */
  percentOff: z.number().int().min(1).max(99).nullable().default(null),
  /** … at most this much. */
  capMinor: Minor.nullable().default(null),
  /** threshold (满减) and any kind: the order must reach this much. */
  thresholdMinor: Minor.nullable().default(null),
  /** free_item: the SKU given. */
  itemSku: z.string().min(1).max(200).nullable().default(null),
  validity: CouponValidity,
  /** null = unlimited. */
  totalStock: z.number().int().min(0).max(100_000_000).nullable().default(null),
  perMemberLimit: z.number().int().min(1).max(10_000).nullable().default(1),
  perMemberDailyLimit: z.number().int().min(1).max(10_000).nullable().default(null),
  /** Store ids (as orders send store_id) where it may be redeemed; null = every store. */
  storeIds: z.array(Key).min(1).max(1000).nullable().default(null),
  /** Points a member pays to exchange for one; null = not exchangeable for points. */
  pointsCost: z.number().int().min(1).max(100_000_000).nullable().default(null),
  status: z.enum(["active", "paused"]).default("active"),
  /**
   * Which order lines the discount applies to; null = every product. A line is eligible when an include list
   * names its SKU or category (both include lists null = every line) and no exclude list names it.
   */
  productScope: ProductScope.nullable().default(null),
  /** Stackable coupons combine on one order; an order takes at most one non-stackable coupon. */
  stackable: z.boolean().default(false),
  /** Members may claim it themselves through the member API (GET /member/v1/coupon-templates lists it). */
  claimable: z.boolean().default(false),
});

function checkTemplate(t: z.infer<typeof CouponTemplateFields>, ctx: z.RefinementCtx) {
  const need = (field: "amountMinor" | "percentOff" | "thresholdMinor" | "itemSku", why: string) => {
    if (t[field] === null) ctx.addIssue({ code: "custom", path: [field], message: `is required for ${why}` });
  };
  if (t.kind === "fixed") need("amountMinor", "a fixed-amount coupon");
  if (t.kind === "percent") need("percentOff", "a percent coupon");
  if (t.kind === "threshold") {
    need("amountMinor", "a spend-threshold coupon");
    need("thresholdMinor", "a spend-threshold coupon");
    if (t.amountMinor !== null && t.thresholdMinor !== null && t.amountMinor > t.thresholdMinor) {
      ctx.addIssue({ code: "custom", path: ["amountMinor"], message: "must not exceed thresholdMinor" });
    }
  }
  if (t.kind === "free_item") need("itemSku", "a free-item coupon");
  if (t.validity.kind === "fixed" && Date.parse(t.validity.until) <= Date.parse(t.validity.from)) {
    ctx.addIssue({ code: "custom", path: ["validity", "until"], message: "must be after validity.from" });
  }
}

export const CreateCouponTemplateBody = CouponTemplateFields.superRefine(checkTemplate);
export type CreateCouponTemplateBody = z.infer<typeof CreateCouponTemplateBody>;
export type CreateCouponTemplateInput = z.input<typeof CreateCouponTemplateBody>;
/** PUT replaces the template's terms; the issued count stays. */
export const UpdateCouponTemplateBody = CreateCouponTemplateBody;

export const CouponTemplateDto = z.object({
  id: Id,
  name: z.string(),
  kind: CouponKind,
  amountMinor: z.number().int().nullable(),
  percentOff: z.number().int().nullable(),
  capMinor: z.number().int().nullable(),
  thresholdMinor: z.number().int().nullable(),
  itemSku: z.string().nullable(),
  validity: CouponValidity,
  totalStock: z.number().int().nullable(),
  issuedCount: z.number().int(),
  perMemberLimit: z.number().int().nullable(),
  perMemberDailyLimit: z.number().int().nullable(),
  storeIds: z.array(z.string()).nullable(),
  pointsCost: z.number().int().nullable(),
  productScope: ProductScope.nullable(),
  stackable: z.boolean(),
  status: z.enum(["active", "paused", "archived"]),
  claimable: z.boolean(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type CouponTemplateDto = z.infer<typeof CouponTemplateDto>;
export const CouponTemplateListDto = z.object({ items: z.array(CouponTemplateDto) });
export const CouponTemplateParams = z.strictObject({ workspaceId: Id, templateId: Id });

export const CouponStatus = z.enum(["available", "redeemed", "expired"]);
export const CouponDto = z.object({
  id: Id,
  templateId: Id,
  profileId: Id,
  code: z.string(),
  status: CouponStatus,
  issuedAt: IsoDateTime,
  validFrom: IsoDateTime,
  validUntil: IsoDateTime,
  redeemedAt: IsoDateTime.nullable(),
  orderId: z.string().nullable(),
  storeId: z.string().nullable(),
  discountMinor: z.number().int().nullable(),
});
export type CouponDto = z.infer<typeof CouponDto>;
export const CouponListDto = z.object({ items: z.array(CouponDto) });

export const IssueCouponsBody = z.strictObject({
  profileIds: z.array(Id).min(1).max(1000),
  /** One issue per (key, profile): a retried request issues nothing twice. */
  idempotencyKey: IdempotencyKey,
});
export type IssueCouponsBody = z.infer<typeof IssueCouponsBody>;
export const IssueResultDto = z.object({
  items: z.array(
    z.object({
      profileId: Id,
      coupon: CouponDto.nullable(),
      error: z.object({ code: z.string(), message: z.string() }).nullable(),
    }),
  ),
});
export type IssueResultDto = z.infer<typeof IssueResultDto>;

export const OrderLine = z.strictObject({
  sku: Key,
  category: Key.nullable().default(null),
  /** Unit price before coupons, minor units. */
  priceMinor: z.number().int().min(0).max(100_000_000_00),
  quantity: z.number().int().min(1).max(100_000),
});
export type OrderLine = z.infer<typeof OrderLine>;

export const RedeemCouponBody = z
  .strictObject({
    /** One code, or several in `codes`: several are judged together (stacking) and redeemed all or none. */
    code: z.string().trim().min(4).max(64).optional(),
    codes: z.array(z.string().trim().min(4).max(64)).min(1).max(10).optional(),
    orderId: z.string().trim().min(1).max(200),
    /** The order's amount before coupons, in minor units; defaults to the sum of `lines`. */
    orderTotalMinor: z.number().int().min(0).max(100_000_000_00).optional(),
    storeId: Key.nullable().default(null),
    /** The order's lines: product-scoped coupons apply to the eligible ones only. Without lines the order is one line of unknown product. */
    lines: z.array(OrderLine).min(1).max(500).optional(),
  })
  .superRefine((b, ctx) => {
    if ((b.code === undefined) === (b.codes === undefined)) ctx.addIssue({ code: "custom", path: ["code"], message: "give either code or codes" });
    if (b.orderTotalMinor === undefined && b.lines === undefined) ctx.addIssue({ code: "custom", path: ["orderTotalMinor"], message: "is required without lines" });
  });
export type RedeemCouponBody = z.infer<typeof RedeemCouponBody>;
export type RedeemCouponInput = z.input<typeof RedeemCouponBody>;
export const RedeemCouponResultDto = z.object({
  /** The first coupon of the request (the only one for `code`). */
  coupon: CouponDto,
  /** Every coupon of the request, in the order they were applied. */
  coupons: z.array(CouponDto),
  /** The discount of the request's coupons together. */
  discountMinor: z.number().int(),
  replayed: z.boolean(),
});
export type RedeemCouponResultDto = z.infer<typeof RedeemCouponResultDto>;

export const PointsEntryParams = z.strictObject({ workspaceId: Id, entryId: Id });
export const ReversePointsBody = z.strictObject({ reason: z.string().trim().min(1).max(500), idempotencyKey: IdempotencyKey });
export type ReversePointsBody = z.infer<typeof ReversePointsBody>;
export const RestoreCouponsBody = z.strictObject({ orderId: z.string().trim().min(1).max(200) });
export type RestoreCouponsBody = z.infer<typeof RestoreCouponsBody>;

export const ExchangePointsBody = z.strictObject({
  templateId: Id,
  /** A replay returns the first exchange's entry and coupon. */
  idempotencyKey: IdempotencyKey,
});
export type ExchangePointsBody = z.infer<typeof ExchangePointsBody>;
export const ExchangeResultDto = z.object({ entry: PointsEntryDto, balance: PointsBalanceDto, coupon: CouponDto, replayed: z.boolean() });
export type ExchangeResultDto = z.infer<typeof ExchangeResultDto>;

/** The most members a bulk issue takes from a list; a segment's members are copied in SQL and may be more (SEGMENT_ISSUE_LIMIT). */
export const ISSUE_JOB_LIST_LIMIT = 100_000;
export const SEGMENT_ISSUE_LIMIT = 1_000_000;
export const CreateIssueJobBody = z
  .strictObject({
    /** The customers, or… */
    profileIds: z.array(Id).min(1).max(ISSUE_JOB_LIST_LIMIT).optional(),
    /** … a segment: its current members are copied into the job when it is created. */
    segmentId: Id.optional(),
    /** One job per key: a retried request returns the job the first one created. */
    idempotencyKey: IdempotencyKey,
  })
  .superRefine((b, ctx) => {
    if ((b.profileIds === undefined) === (b.segmentId === undefined)) ctx.addIssue({ code: "custom", path: ["profileIds"], message: "give either profileIds or segmentId" });
  });
export type CreateIssueJobBody = z.infer<typeof CreateIssueJobBody>;
export const IssueJobDto = z.object({
  id: Id,
  templateId: Id,
  /** Where the members came from: a pasted list, a segment, or the birthday-gift job. */
  source: z.enum(["list", "segment", "birthday"]),
  segmentId: Id.nullable(),
  status: z.enum(["running", "done"]),
  total: z.number().int(),
  issued: z.number().int(),
  refused: z.number().int(),
  /** Refusals by error code (loyalty.out_of_stock, loyalty.limit_reached, profiles.not_found …). */
  refusals: z.record(z.string(), z.number().int()),
  createdAt: IsoDateTime,
  finishedAt: IsoDateTime.nullable(),
});
export type IssueJobDto = z.infer<typeof IssueJobDto>;
export const IssueJobParams = z.strictObject({ workspaceId: Id, jobId: Id });

export const CustomerTierDto = z.object({
  profileId: Id,
  tier: z.object({ code: z.string(), name: z.string() }),
  benefits: TierLevel.omit({ code: true, name: true, threshold: true }),
  /** Growth value in the current window. */
  growth: z.number().int(),
  next: z.object({ code: z.string(), name: z.string(), threshold: z.number().int(), remaining: z.number().int() }).nullable(),
  since: IsoDateTime.nullable(),
  /** Set while growth is below the level's threshold: the level is kept until the grace ends. */
  belowSince: IsoDateTime.nullable(),
});
export type CustomerTierDto = z.infer<typeof CustomerTierDto>;

export const StoredValueBalanceDto = z.object({
  profileId: Id,
  /** Money the member paid in and has not spent (a liability of the brand). Minor units. */
  principalMinor: z.number().int(),
  /** Bonus given with top-ups, not yet spent. */
  bonusMinor: z.number().int(),
  totalMinor: z.number().int(),
  version: z.number().int(),
});
export type StoredValueBalanceDto = z.infer<typeof StoredValueBalanceDto>;

export const StoredValueTransactionDto = z.object({
  id: Id,
  profileId: Id,
  /** topup_refund: a top-up's unspent principal paid back, its bonus forfeited; bonus_expiry: a top-up's bonus expired. */
  /** merge_out / merge_in: a merged-away profile's balance moving to the live profile (reference: the other profile). */
  kind: z.enum(["topup", "spend", "refund", "topup_refund", "bonus_expiry", "merge_out", "merge_in"]),
  principalMinor: z.number().int(),
  bonusMinor: z.number().int(),
  orderId: z.string().nullable(),
  reference: z.string().nullable(),
  reversesId: Id.nullable(),
  idempotencyKey: z.string(),
  createdAt: IsoDateTime,
  actor: z.string().nullable(),
});
export type StoredValueTransactionDto = z.infer<typeof StoredValueTransactionDto>;
export const StoredValueResultDto = z.object({ transaction: StoredValueTransactionDto, balance: StoredValueBalanceDto, replayed: z.boolean() });
export type StoredValueResultDto = z.infer<typeof StoredValueResultDto>;
export const StoredValueHistoryDto = z.object({ items: z.array(StoredValueTransactionDto) });

export const TopUpBody = z.strictObject({
  amountMinor: z.number().int().min(1).max(100_000_000_00),
  /** The payment it came from (e.g. a WeChat Pay transaction id). */
  reference: z.string().trim().min(1).max(200),
  idempotencyKey: IdempotencyKey,
});
export type TopUpBody = z.infer<typeof TopUpBody>;
export const SpendStoredValueBody = z.strictObject({
  amountMinor: z.number().int().min(1).max(100_000_000_00),
  orderId: z.string().trim().min(1).max(200),
  idempotencyKey: IdempotencyKey,
});
export type SpendStoredValueBody = z.infer<typeof SpendStoredValueBody>;
export const RefundStoredValueBody = z.strictObject({
  /** The order whose spend is given back. */
  orderId: z.string().trim().min(1).max(200),
  /** Part of the spend (several refunds never exceed it); omitted = all that is left. */
  amountMinor: z.number().int().min(1).max(100_000_000_00).optional(),
  idempotencyKey: IdempotencyKey,
});
export type RefundStoredValueBody = z.infer<typeof RefundStoredValueBody>;
/** Pays back a top-up's unspent principal (its bonus is forfeited). */
export const RefundTopUpBody = z.strictObject({
  reason: z.string().trim().min(1).max(500),
  idempotencyKey: IdempotencyKey,
});
export type RefundTopUpBody = z.infer<typeof RefundTopUpBody>;
export const TopUpParams = z.strictObject({ workspaceId: Id, profileId: Id, topupId: Id });
