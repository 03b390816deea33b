import { z } from "zod";

/**
 * Wire shapes of the Segment HTTP tracking API (https://segment.com/docs/connections/spec/),
 * which Segment's and RudderStack's SDKs send unchanged. SDKs add fields of their own
 * (_metadata, channel, originalTimestamp, writeKey …), so messages are loose objects.
 */
const Id = z.union([z.string().max(255), z.number().finite()]).transform(String);
const Json = z.record(z.string(), z.unknown());

const Common = {
  messageId: z.string().min(1).max(200).optional(),
  anonymousId: Id.nullish(),
  userId: Id.nullish(),
  timestamp: z.string().max(64).optional(),
  /** RudderStack's time of the call, when it was queued before sending. */
  originalTimestamp: z.string().max(64).optional(),
  sentAt: z.string().max(64).optional(),
  context: Json.optional(),
  integrations: Json.optional(),
};

export const TrackMessage = z.looseObject({
  type: z.literal("track").optional(),
  event: z.string().trim().min(1).max(200),
  properties: Json.optional(),
  ...Common,
});
export const IdentifyMessage = z.looseObject({ type: z.literal("identify").optional(), traits: Json.optional(), ...Common });
export const PageMessage = z.looseObject({
  type: z.literal("page").optional(),
  name: z.string().max(200).nullish(),
  category: z.string().max(200).nullish(),
  properties: Json.optional(),
  ...Common,
});
export const ScreenMessage = z.looseObject({
  type: z.literal("screen").optional(),
  name: z.string().max(200).nullish(),
  properties: Json.optional(),
  ...Common,
});
export const GroupMessage = z.looseObject({
  type: z.literal("group").optional(),
  groupId: Id,
  traits: Json.optional(),
  ...Common,
});
export const AliasMessage = z.looseObject({
  type: z.literal("alias").optional(),
  previousId: Id,
  ...Common,
  userId: Id,
});

export const MESSAGE_TYPES = ["track", "identify", "page", "screen", "group", "alias"] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export const MESSAGE_SCHEMAS = {
  track: TrackMessage,
  identify: IdentifyMessage,
  page: PageMessage,
  screen: ScreenMessage,
  group: GroupMessage,
  alias: AliasMessage,
} as const;

export const BatchBody = z.looseObject({
  batch: z.array(z.unknown()).min(1).max(10_000),
  context: Json.optional(),
  integrations: Json.optional(),
  sentAt: z.string().max(64).optional(),
});

export const IngestItemError = z.object({ index: z.number().int(), path: z.string(), message: z.string() });
export type IngestItemError = z.infer<typeof IngestItemError>;

export const IngestResultDto = z.object({
  success: z.boolean(),
  accepted: z.number().int(),
  duplicates: z.number().int(),
  errors: z.array(IngestItemError),
});
export type IngestResultDto = z.infer<typeof IngestResultDto>;
