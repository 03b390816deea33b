import { z } from "zod";
import { Id, IsoDateTime } from "./common";
import { CouponDto, IdempotencyKey, PointsBalanceDto } from "./loyalty";

// The redemption catalogue (goods with stock, coupons for points, points + cash) and lottery draws.

const Key = z.string().min(1).max(200);
const Points = z.number().int().min(0).max(100_000_000);
const Minor = z.number().int().min(1).max(100_000_000_00);
const Count = z.number().int().min(1).max(1_000_000);

const CatalogueItemFields = z.strictObject({
  /** goods: a thing the brand ships or hands over, with its own stock; coupon: a coupon template's coupon for points. */
  kind: z.enum(["goods", "coupon"]),
  /** The brand's SKU (required for goods). */
  sku: Key.nullable().default(null),
  name: z.string().trim().min(1).max(200),
  description: z.string().trim().max(2000).nullable().default(null),
  imageUrl: z.url({ protocol: /^https?$/ }).max(2000).nullable().default(null),
  /** Points per redemption. */
  pointsCost: Points,
  /** Points + cash: the cash part in minor units (分), goods only; null = points only. */
  cashMinor: Minor.nullable().default(null),
  /** Units left (goods); null = unlimited. Coupons count the template's stock. */
  stock: z.number().int().min(0).max(100_000_000).nullable().default(null),
  perMemberLimit: Count.nullable().default(null),
  perMemberDailyLimit: Count.nullable().default(null),
  availableFrom: IsoDateTime.nullable().default(null),
  availableUntil: IsoDateTime.nullable().default(null),
  /** Stores where it may be redeemed (as orders send store_id); null = everywhere. */
  storeIds: z.array(Key).min(1).max(1000).nullable().default(null),
  /** kind coupon: the template issued. */
  templateId: Id.nullable().default(null),
  status: z.enum(["active", "paused"]).default("active"),
});

function checkItem(t: z.infer<typeof CatalogueItemFields>, ctx: z.RefinementCtx) {
  if (t.kind === "goods" && t.sku === null) ctx.addIssue({ code: "custom", path: ["sku"], message: "is required for goods" });
  if (t.kind === "coupon" && t.templateId === null) ctx.addIssue({ code: "custom", path: ["templateId"], message: "is required for a coupon item" });
  if (t.kind === "coupon" && t.cashMinor !== null) ctx.addIssue({ code: "custom", path: ["cashMinor"], message: "coupons are for points only" });
  if (t.kind === "coupon" && t.stock !== null) ctx.addIssue({ code: "custom", path: ["stock"], message: "a coupon item counts its template's stock" });
  if (t.pointsCost === 0 && t.cashMinor === null) ctx.addIssue({ code: "custom", path: ["pointsCost"], message: "must be above 0 unless there is a cash part" });
  if (t.availableFrom !== null && t.availableUntil !== null && Date.parse(t.availableUntil) <= Date.parse(t.availableFrom)) {
    ctx.addIssue({ code: "custom", path: ["availableUntil"], message: "must be after availableFrom" });
  }
}

export const CatalogueItemBody = CatalogueItemFields.superRefine(checkItem);
export type CatalogueItemBody = z.infer<typeof CatalogueItemBody>;
export type CatalogueItemInput = z.input<typeof CatalogueItemBody>;

export const CatalogueItemDto = z.object({
  id: Id,
  kind: z.enum(["goods", "coupon"]),
  sku: z.string().nullable(),
  name: z.string(),
  description: z.string().nullable(),
  imageUrl: z.string().nullable(),
  pointsCost: z.number().int(),
  cashMinor: z.number().int().nullable(),
  stock: z.number().int().nullable(),
  /** Units given (redemptions and lottery prizes) not cancelled. */
  redeemedCount: z.number().int(),
  perMemberLimit: z.number().int().nullable(),
  perMemberDailyLimit: z.number().int().nullable(),
  availableFrom: IsoDateTime.nullable(),
  availableUntil: IsoDateTime.nullable(),
  storeIds: z.array(z.string()).nullable(),
  templateId: Id.nullable(),
  status: z.enum(["active", "paused", "archived"]),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type CatalogueItemDto = z.infer<typeof CatalogueItemDto>;
export const CatalogueItemListDto = z.object({ items: z.array(CatalogueItemDto) });
export const CatalogueItemParams = z.strictObject({ workspaceId: Id, itemId: Id });

/** What a member sees: the item, whether their points cover it and how many more they may redeem. */
export const MemberCatalogueItemDto = CatalogueItemDto.extend({
  affordable: z.boolean(),
  /** null = no per-member limit. */
  remainingForMember: z.number().int().nullable(),
});
export type MemberCatalogueItemDto = z.infer<typeof MemberCatalogueItemDto>;
export const MemberCatalogueDto = z.object({ available: z.number().int(), items: z.array(MemberCatalogueItemDto) });
export type MemberCatalogueDto = z.infer<typeof MemberCatalogueDto>;

export const RedeemItemBody = z.strictObject({
  itemId: Id,
  /** Where it is picked up / redeemed, checked against the item's storeIds. */
  storeId: Key.nullable().default(null),
  /** For an item with a cash part: paid from the member's stored value now, or outside Siyu (confirmed later). */
  payWith: z.enum(["stored_value", "external"]).nullable().default(null),
  /** A replay returns the first redemption. */
  idempotencyKey: IdempotencyKey,
});
export type RedeemItemBody = z.infer<typeof RedeemItemBody>;
export type RedeemItemInput = z.input<typeof RedeemItemBody>;

export const REDEMPTION_STATUSES = ["awaiting_payment", "pending", "fulfilled", "cancelled"] as const;
export const RedemptionStatus = z.enum(REDEMPTION_STATUSES);
export const RedemptionOrderDto = z.object({
  id: Id,
  profileId: Id,
  itemId: Id,
  itemKind: z.enum(["goods", "coupon"]),
  itemName: z.string(),
  /** redemption: bought from the catalogue; lottery: a goods prize. */
  source: z.enum(["redemption", "lottery"]),
  status: RedemptionStatus,
  pointsCost: z.number().int(),
  cashMinor: z.number().int().nullable(),
  payWith: z.enum(["stored_value", "external"]).nullable(),
  paymentReference: z.string().nullable(),
  paymentDueAt: IsoDateTime.nullable(),
  storeId: z.string().nullable(),
  couponId: Id.nullable(),
  pointsEntryId: Id.nullable(),
  fulfilment: z.enum(["shipped", "picked_up", "issued"]).nullable(),
  note: z.string().nullable(),
  cancelReason: z.string().nullable(),
  createdAt: IsoDateTime,
  fulfilledAt: IsoDateTime.nullable(),
  cancelledAt: IsoDateTime.nullable(),
});
export type RedemptionOrderDto = z.infer<typeof RedemptionOrderDto>;
export const RedeemItemResultDto = z.object({
  redemption: RedemptionOrderDto,
  balance: PointsBalanceDto,
  coupon: CouponDto.nullable(),
  replayed: z.boolean(),
});
export type RedeemItemResultDto = z.infer<typeof RedeemItemResultDto>;
export const RedemptionListDto = z.object({ items: z.array(RedemptionOrderDto), nextCursor: z.string().nullable() });
export type RedemptionListDto = z.infer<typeof RedemptionListDto>;
export const RedemptionListQuery = z.strictObject({
  status: RedemptionStatus.optional(),
  itemId: Id.optional(),
  profileId: Id.optional(),
  source: z.enum(["redemption", "lottery"]).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: Id.optional(),
});
export type RedemptionListQuery = z.infer<typeof RedemptionListQuery>;
export const RedemptionParams = z.strictObject({ workspaceId: Id, redemptionId: Id });

export const FulfilRedemptionBody = z.strictObject({
  fulfilment: z.enum(["shipped", "picked_up"]),
  note: z.string().trim().max(500).nullable().default(null),
});
export type FulfilRedemptionBody = z.infer<typeof FulfilRedemptionBody>;
export const CancelRedemptionBody = z.strictObject({ reason: z.string().trim().min(1).max(500) });
export type CancelRedemptionBody = z.infer<typeof CancelRedemptionBody>;
export const ConfirmPaymentBody = z.strictObject({
  /** The external payment's reference (e.g. a WeChat Pay transaction id). */
  reference: z.string().trim().min(1).max(200),
});
export type ConfirmPaymentBody = z.infer<typeof ConfirmPaymentBody>;

// ——— Lottery ———

export const PRIZE_KINDS = ["points", "coupon", "goods", "none"] as const;
export const LotteryPrizeBody = z.strictObject({
  /** Keep an existing prize (and its counts) by sending its id back. */
  id: Id.nullable().default(null),
  name: z.string().trim().min(1).max(200),
  kind: z.enum(PRIZE_KINDS),
  /** kind points: how many. */
  points: z.number().int().min(1).max(100_000_000).nullable().default(null),
  /** kind coupon: the template issued. */
  templateId: Id.nullable().default(null),
  /** kind goods: the catalogue item handed over. */
  itemId: Id.nullable().default(null),
  /** Relative chance among the prizes still in stock. */
  weight: z.number().int().min(0).max(1_000_000),
  /** Units to give; null = unlimited. */
  stock: z.number().int().min(0).max(100_000_000).nullable().default(null),
});
export type LotteryPrizeBody = z.infer<typeof LotteryPrizeBody>;

export const LotteryCampaignBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    description: z.string().trim().max(2000).nullable().default(null),
    /** Points per draw; 0 = free. */
    pointsCost: Points,
    perMemberDailyLimit: Count.nullable().default(null),
    perMemberLimit: Count.nullable().default(null),
    startsAt: IsoDateTime.nullable().default(null),
    endsAt: IsoDateTime.nullable().default(null),
    status: z.enum(["active", "paused"]).default("active"),
    prizes: z.array(LotteryPrizeBody).min(1).max(50),
  })
  .superRefine((c, ctx) => {
    c.prizes.forEach((p, i) => {
      const need = (field: "points" | "templateId" | "itemId") => {
        if (p[field] === null) ctx.addIssue({ code: "custom", path: ["prizes", i, field], message: `is required for a ${p.kind} prize` });
      };
      if (p.kind === "points") need("points");
      if (p.kind === "coupon") need("templateId");
      if (p.kind === "goods") need("itemId");
      if (p.kind === "none" && p.stock !== null) ctx.addIssue({ code: "custom", path: ["prizes", i, "stock"], message: "the no-prize entry has no stock" });
    });
    if (c.prizes.filter((p) => p.kind === "none").length > 1) ctx.addIssue({ code: "custom", path: ["prizes"], message: "at most one no-prize entry" });
    if (c.prizes.every((p) => p.weight === 0)) ctx.addIssue({ code: "custom", path: ["prizes"], message: "at least one prize needs a weight above 0" });
    if (c.startsAt !== null && c.endsAt !== null && Date.parse(c.endsAt) <= Date.parse(c.startsAt)) {
      ctx.addIssue({ code: "custom", path: ["endsAt"], message: "must be after startsAt" });
    }
  });
export type LotteryCampaignBody = z.infer<typeof LotteryCampaignBody>;
export type LotteryCampaignInput = z.input<typeof LotteryCampaignBody>;

export const LotteryPrizeDto = z.object({
  id: Id,
  name: z.string(),
  kind: z.enum(PRIZE_KINDS),
  points: z.number().int().nullable(),
  templateId: Id.nullable(),
  itemId: Id.nullable(),
  weight: z.number().int(),
  stock: z.number().int().nullable(),
  awardedCount: z.number().int(),
});
export type LotteryPrizeDto = z.infer<typeof LotteryPrizeDto>;
export const LotteryCampaignDto = z.object({
  id: Id,
  name: z.string(),
  description: z.string().nullable(),
  pointsCost: z.number().int(),
  perMemberDailyLimit: z.number().int().nullable(),
  perMemberLimit: z.number().int().nullable(),
  startsAt: IsoDateTime.nullable(),
  endsAt: IsoDateTime.nullable(),
  status: z.enum(["active", "paused", "archived"]),
  prizes: z.array(LotteryPrizeDto),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type LotteryCampaignDto = z.infer<typeof LotteryCampaignDto>;
export const LotteryCampaignListDto = z.object({ items: z.array(LotteryCampaignDto) });
export const LotteryCampaignParams = z.strictObject({ workspaceId: Id, campaignId: Id });

export const DrawBody = z.strictObject({ idempotencyKey: IdempotencyKey });
export type DrawBody = z.infer<typeof DrawBody>;
/** A draw for a customer through the operator API (a till, a campaign page): which lottery, and the key. */
export const CustomerDrawBody = z.strictObject({ campaignId: Id, idempotencyKey: IdempotencyKey });
export type CustomerDrawBody = z.infer<typeof CustomerDrawBody>;
export const LotteryDrawDto = z.object({
  id: Id,
  campaignId: Id,
  profileId: Id,
  prizeId: Id.nullable(),
  prizeKind: z.enum(PRIZE_KINDS),
  prizeName: z.string(),
  pointsCost: z.number().int(),
  pointsAwarded: z.number().int().nullable(),
  couponId: Id.nullable(),
  redemptionId: Id.nullable(),
  createdAt: IsoDateTime,
});
export type LotteryDrawDto = z.infer<typeof LotteryDrawDto>;
export const DrawResultDto = z.object({ draw: LotteryDrawDto, balance: PointsBalanceDto, replayed: z.boolean() });
export type DrawResultDto = z.infer<typeof DrawResultDto>;
export const LotteryDrawListDto = z.object({ items: z.array(LotteryDrawDto), nextCursor: z.string().nullable() });
export const LotteryDrawListQuery = z.strictObject({
  profileId: Id.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: Id.optional(),
});
export type LotteryDrawListQuery = z.infer<typeof LotteryDrawListQuery>;
export const LotteryStatsDto = z.object({
  draws: z.number().int(),
  members: z.number().int(),
  pointsSpent: z.number().int(),
  prizes: z.array(z.object({ prizeId: Id.nullable(), name: z.string(), kind: z.enum(PRIZE_KINDS), awarded: z.number().int(), stock: z.number().int().nullable() })),
});
export type LotteryStatsDto = z.infer<typeof LotteryStatsDto>;

/** A member's view of a campaign: what a draw costs and how many draws are left today and in all. */
export const MemberLotteryDto = LotteryCampaignDto.omit({ prizes: true }).extend({
  prizes: z.array(LotteryPrizeDto.pick({ id: true, name: true, kind: true })),
  drawsLeftToday: z.number().int().nullable(),
  drawsLeft: z.number().int().nullable(),
});
export type MemberLotteryDto = z.infer<typeof MemberLotteryDto>;
