import { z } from "zod";
import { Id, IsoDateTime } from "./common";
import { CouponDto, CouponStatus, CouponTemplateDto, CustomerTierDto, IdempotencyKey, PointsBalanceDto, PointsEntryDto, PointsHistoryQuery, StoredValueBalanceDto } from "./loyalty";

// ---- Member tokens: issued by the brand's back end (admin API, permission members.tokens) ----

export const MEMBER_TOKEN_DEFAULT_TTL_SECONDS = 7 * 24 * 3600;
export const MEMBER_TOKEN_MAX_TTL_SECONDS = 30 * 24 * 3600;

export const IssueMemberTokenBody = z.strictObject({
  /** How the brand knows the member: e.g. wechat_openid (`<appId>:<openid>`), wechat_unionid, phone, user_id. */
  identifier: z.strictObject({ type: z.string().trim().min(1).max(60), value: z.string().trim().min(1).max(255) }),
  /** Seconds until the token expires: 60 … 30 days; default 7 days. */
  ttlSeconds: z.number().int().min(60).max(MEMBER_TOKEN_MAX_TTL_SECONDS).default(MEMBER_TOKEN_DEFAULT_TTL_SECONDS),
});
export type IssueMemberTokenBody = z.infer<typeof IssueMemberTokenBody>;
export type IssueMemberTokenInput = z.input<typeof IssueMemberTokenBody>;

export const MemberTokenDto = z.object({
  /** Send as `Authorization: Bearer <token>` with the workspace's ingest key to /member/v1/*. */
  token: z.string(),
  tokenId: Id,
  /** The live profile the token was issued for (it follows later merges by itself). */
  profileId: Id,
  issuedAt: IsoDateTime,
  expiresAt: IsoDateTime,
});
export type MemberTokenDto = z.infer<typeof MemberTokenDto>;

/** One token by id, or every token of a member (tokens issued to profiles merged into it included). */
export const RevokeMemberTokensBody = z.union([z.strictObject({ tokenId: Id }), z.strictObject({ profileId: Id })]);
export type RevokeMemberTokensBody = z.infer<typeof RevokeMemberTokensBody>;
export const RevokeMemberTokensResultDto = z.object({ revoked: z.number().int() });
export type RevokeMemberTokensResultDto = z.infer<typeof RevokeMemberTokensResultDto>;

export const RotateMemberTokenSecretResultDto = z.object({ rotatedAt: IsoDateTime });
export type RotateMemberTokenSecretResultDto = z.infer<typeof RotateMemberTokenSecretResultDto>;

// ---- The member-facing API (/member/v1/*): only the caller's own data, no other customer's ----

export const MemberMeDto = z.object({
  profileId: Id,
  name: z.string().nullable(),
  /** Masked: 138****5678. The member's own number, still masked: a screen can be seen by others. */
  phone: z.string().nullable(),
  memberSince: IsoDateTime.nullable(),
  orderCount: z.number().int(),
  tier: z.object({ code: z.string(), name: z.string() }),
});
export type MemberMeDto = z.infer<typeof MemberMeDto>;

export const MemberPointsDto = PointsBalanceDto.omit({ version: true, profileId: true });
export type MemberPointsDto = z.infer<typeof MemberPointsDto>;

/** A ledger entry without the back office's fields (idempotency key, operator name). */
export const MemberPointsEntryDto = PointsEntryDto.omit({ idempotencyKey: true, actor: true, reversesEntryId: true, profileId: true });
export type MemberPointsEntryDto = z.infer<typeof MemberPointsEntryDto>;
export const MemberPointsHistoryDto = z.object({ items: z.array(MemberPointsEntryDto), nextCursor: z.string().nullable() });
export type MemberPointsHistoryDto = z.infer<typeof MemberPointsHistoryDto>;
export const MemberPointsHistoryQuery = PointsHistoryQuery;

export const MemberTierDto = CustomerTierDto.omit({ profileId: true });
export type MemberTierDto = z.infer<typeof MemberTierDto>;

export const MemberCouponDto = CouponDto.omit({ profileId: true });
export type MemberCouponDto = z.infer<typeof MemberCouponDto>;
export const MemberCouponListDto = z.object({ items: z.array(MemberCouponDto) });
export const MemberCouponsQuery = z.strictObject({ status: CouponStatus.optional() });

/** What a member sees of a template: its terms and what is left, not the brand's counters. */
export const MemberCouponTemplateDto = CouponTemplateDto.pick({
  id: true,
  name: true,
  kind: true,
  amountMinor: true,
  percentOff: true,
  capMinor: true,
  thresholdMinor: true,
  itemSku: true,
  validity: true,
  perMemberLimit: true,
  perMemberDailyLimit: true,
  storeIds: true,
  pointsCost: true,
  claimable: true,
}).extend({
  /** Coupons left to issue; null = unlimited. */
  remainingStock: z.number().int().nullable(),
});
export type MemberCouponTemplateDto = z.infer<typeof MemberCouponTemplateDto>;
export const MemberCouponTemplateListDto = z.object({ items: z.array(MemberCouponTemplateDto) });

export const MemberClaimBody = z.strictObject({
  templateId: Id,
  /** A retry with the same key returns the first claim's coupon. Scoped to the member. */
  idempotencyKey: IdempotencyKey,
});
export type MemberClaimBody = z.infer<typeof MemberClaimBody>;
export const MemberClaimResultDto = z.object({ coupon: MemberCouponDto, replayed: z.boolean() });

export const MemberExchangeBody = MemberClaimBody;
export type MemberExchangeBody = z.infer<typeof MemberExchangeBody>;
export const MemberExchangeResultDto = z.object({ entry: MemberPointsEntryDto, balance: MemberPointsDto, coupon: MemberCouponDto, replayed: z.boolean() });

export const MemberStoredValueDto = StoredValueBalanceDto.omit({ version: true, profileId: true });
export type MemberStoredValueDto = z.infer<typeof MemberStoredValueDto>;

/** Member routes take no parameters naming a customer: the token names the one member. */
export const MemberEmptyQuery = z.strictObject({});
