import { z } from "zod";
import { Id, IsoDateTime, PageQuery, pageOf } from "./common";

export const ProfileSummaryDto = z.object({
  id: Id,
  name: z.string().nullable(),
  phone: z.string().nullable(),
  eventCount: z.number().int(),
  orderCount: z.number().int(),
  totalSpendMinor: z.number().int(),
  firstSeenAt: IsoDateTime.nullable(),
  lastSeenAt: IsoDateTime.nullable(),
  lastOrderAt: IsoDateTime.nullable(),
});
export type ProfileSummaryDto = z.infer<typeof ProfileSummaryDto>;

export const ProfileListQuery = PageQuery.extend({
  /** A phone (any common format), a name, or any identifier value. */
  q: z.string().trim().max(200).optional(),
  hasOrders: z.stringbool().optional(),
  seenAfter: IsoDateTime.optional(),
});
export type ProfileListQuery = z.infer<typeof ProfileListQuery>;
export const ProfilePageDto = pageOf(ProfileSummaryDto);
export type ProfilePageDto = z.infer<typeof ProfilePageDto>;

export const IdentifierDto = z.object({ id: Id, type: z.string(), value: z.string(), firstSeenAt: IsoDateTime });
export const MergeDto = z.object({
  id: Id,
  mergedProfileId: Id,
  at: IsoDateTime,
  messageId: z.string().nullable(),
  survivorIdentifierIds: z.array(Id),
  mergedIdentifierIds: z.array(Id),
  splitAt: IsoDateTime.nullable(),
  splitBy: z.string().nullable(),
});
export type MergeDto = z.infer<typeof MergeDto>;

export const OrderDto = z.object({
  orderId: z.string(),
  status: z.enum(["completed", "partially_refunded", "refunded"]),
  totalMinor: z.number().int(),
  refundedMinor: z.number().int(),
  currency: z.string(),
  storeId: z.string().nullable(),
  coupon: z.string().nullable(),
  orderedAt: IsoDateTime,
});
export type OrderDto = z.infer<typeof OrderDto>;

export const ProfileDto = ProfileSummaryDto.extend({
  workspaceId: Id,
  traits: z.record(z.string(), z.unknown()),
  averageOrderMinor: z.number().int().nullable(),
  identifiers: z.array(IdentifierDto),
  eventCounts: z.array(z.object({ event: z.string(), count: z.number().int(), lastAt: IsoDateTime })),
  recentOrders: z.array(OrderDto),
  merges: z.array(MergeDto),
  createdAt: IsoDateTime,
});
export type ProfileDto = z.infer<typeof ProfileDto>;

export const ProfileParams = z.strictObject({ workspaceId: Id, profileId: Id });
/** The profiles that exist once a merge is split: the survivor and the one split back out. */
export const SplitResultDto = z.object({ profileIds: z.array(Id) });
export type SplitResultDto = z.infer<typeof SplitResultDto>;
export const MergeParams = z.strictObject({ workspaceId: Id, profileId: Id, mergeId: Id });

export const TimelineQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The seq of the last event seen: the next page starts before it. */
  before: z.coerce.number().int().min(1).optional(),
});
export const TimelineEventDto = z.object({
  seq: z.number().int(),
  messageId: z.string(),
  type: z.string(),
  event: z.string().nullable(),
  ts: IsoDateTime,
  properties: z.record(z.string(), z.unknown()),
});
export const TimelineDto = z.object({ items: z.array(TimelineEventDto), nextBefore: z.number().int().nullable() });
export type TimelineDto = z.infer<typeof TimelineDto>;

export const ConflictDto = z.object({
  aId: Id,
  bId: Id,
  messageId: z.string(),
  at: IsoDateTime,
  reason: z.string(),
  a: z.object({ type: z.string(), value: z.string(), profileId: Id }),
  b: z.object({ type: z.string(), value: z.string(), profileId: Id }),
});
export const ConflictListDto = z.object({ items: z.array(ConflictDto) });
export type ConflictListDto = z.infer<typeof ConflictListDto>;
export const ConflictParams = z.strictObject({ workspaceId: Id, aId: Id, bId: Id });

/** Per-workspace identity rules: merge limits per identifier type and values never linked. */
export const IdentitySettingsDto = z.object({
  maxPerProfile: z.record(z.string(), z.number().int()),
  junkValues: z.array(z.string()),
  defaultPhoneRegion: z.string(),
});
export type IdentitySettingsDto = z.infer<typeof IdentitySettingsDto>;
export const UpdateIdentitySettingsBody = z
  .strictObject({
    maxPerProfile: z.record(
      z.string().regex(/^(custom:[a-z0-9_]{1,40}|[a-z_]{1,40})$/, { message: "must be an identifier type such as phone" }),
      z.number().int().min(1).max(1000),
    ),
    junkValues: z.array(z.string().max(100)).max(500),
    defaultPhoneRegion: z.string().regex(/^[A-Z]{2}$/, { message: "must be a two-letter region such as CN" }),
  })
  .partial();
export type UpdateIdentitySettingsBody = z.infer<typeof UpdateIdentitySettingsBody>;
