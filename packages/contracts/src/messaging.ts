import { z } from "zod";
import { Id, IsoDateTime, PageQuery, WorkspaceParams, pageOf } from "./common";
import { ConsentPurpose } from "./consents";

// Messaging: templates in Liquid, channels behind one interface, guards at send time (consent,
// unsubscribe, frequency caps, quiet hours, suppression lists, dry run), the outbox every outgoing
// message passes through, and the member's in-app inbox. docs/modules/messaging.md.

/** The channels Siyu sends on; each name is also the consent channel it checks. */
export const CHANNELS = ["webhook", "email", "sms", "wecom", "wechat_subscribe", "wechat_template", "inbox"] as const;
export const Channel = z.enum(CHANNELS);
export type Channel = z.infer<typeof Channel>;

/**
 * The brand plans' "1 + 1 + N": at most one targeted and one general marketing push a day; service
 * messages (order, points, coupon notices the customer needs) are not capped but still need consent.
 */
export const MESSAGE_CATEGORIES = ["targeted", "general", "service"] as const;
export const MessageCategory = z.enum(MESSAGE_CATEGORIES);
export type MessageCategory = z.infer<typeof MessageCategory>;

export const LOCALES = ["zh-CN", "en"] as const;
export const Locale = z.enum(LOCALES);
export type Locale = z.infer<typeof Locale>;

// ---------------------------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------------------------

/**
 * One language's content. Every string is Liquid over `profile`, `event`, `coupon`, `store`,
 * `workspace` (and `journey` inside a journey). Which fields a channel uses:
 * - email: subject, body (HTML allowed), text (optional plain part)
 * - sms: body; providerTemplate (the provider's approved template code) and params (its variables)
 * - wecom: body (text), optional url + subject (a link card)
 * - wechat_subscribe / wechat_template: providerTemplate (template id), params (its data keys), url / page
 * - inbox: subject (title), body, url
 * - webhook: body (JSON after rendering) or, when empty, the default JSON payload
 */
export const TemplateContent = z.strictObject({
  subject: z.string().max(500).default(""),
  body: z.string().max(20_000).default(""),
  text: z.string().max(20_000).default(""),
  url: z.string().max(2000).default(""),
  providerTemplate: z.string().max(200).default(""),
  params: z.record(z.string().min(1).max(100), z.string().max(2000)).default({}),
});
export type TemplateContent = z.infer<typeof TemplateContent>;

export const TemplateBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  channel: Channel,
  purpose: ConsentPurpose.default("marketing"),
  /** At least one language; a customer gets their `locale` trait's language, else `defaultLocale`. */
  content: z.partialRecord(Locale, TemplateContent).refine((c) => Object.keys(c).length > 0, "must hold at least one language"),
  defaultLocale: Locale.default("zh-CN"),
});
export type TemplateBody = z.infer<typeof TemplateBody>;
export type TemplateInput = z.input<typeof TemplateBody>;

export const TemplateDto = TemplateBody.extend({
  id: Id,
  /** The variables the template uses (e.g. profile.name, coupon.code), found by parsing it. */
  variables: z.array(z.string()),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type TemplateDto = z.infer<typeof TemplateDto>;
export const TemplateListDto = z.object({ items: z.array(TemplateDto) });
export type TemplateListDto = z.infer<typeof TemplateListDto>;

/** Render a template for a sample customer (or a given profile) without sending. */
export const TemplatePreviewBody = z.strictObject({
  profileId: Id.optional(),
  locale: Locale.optional(),
  /** Extra variables, e.g. { event: { properties: { product_name: "…" } } }. */
  variables: z.record(z.string(), z.unknown()).default({}),
});
export type TemplatePreviewBody = z.infer<typeof TemplatePreviewBody>;
export const TemplatePreviewDto = z.object({
  locale: Locale,
  rendered: TemplateContent,
  /** Variables the template used that had no value for this customer. */
  missing: z.array(z.string()),
});
export type TemplatePreviewDto = z.infer<typeof TemplatePreviewDto>;

// ---------------------------------------------------------------------------------------------
// Channel settings and guards
// ---------------------------------------------------------------------------------------------

/** HH:MM in the workspace's time zone. */
export const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: "must be a local time HH:MM" });

export const ChannelSettings = z.strictObject({
  enabled: z.boolean().default(false),
  /** Provider settings (endpoint, app id, sign name …); secrets are write-only and shown masked. */
  config: z.record(z.string().min(1).max(100), z.string().max(4000)).default({}),
  /** Marketing messages on this channel per customer per local day (on top of the 1 + 1 rule). */
  dailyCap: z.int().min(0).max(100).nullable().default(null),
});
export type ChannelSettings = z.infer<typeof ChannelSettings>;

export const MessagingSettings = z.strictObject({
  channels: z.partialRecord(Channel, ChannelSettings).default({}),
  /** "1 + 1 + N": marketing pushes per customer per local day, across channels. */
  targetedPerDay: z.int().min(0).max(100).default(1),
  generalPerDay: z.int().min(0).max(100).default(1),
  /** Marketing messages due in quiet hours are held until they end; service messages are not. */
  quietHours: z.strictObject({ enabled: z.boolean().default(true), start: LocalTime.default("21:00"), end: LocalTime.default("09:00") }).default({ enabled: true, start: "21:00", end: "09:00" }),
  /** Appended to marketing SMS (the unsubscribe wording carriers require). */
  smsUnsubscribeText: z.string().max(100).default("拒收请回复R"),
  /** Inbound replies that unsubscribe from a channel's marketing (matched whole, case-insensitive). */
  unsubscribeKeywords: z.array(z.string().trim().min(1).max(20)).max(20).default(["R", "TD", "T", "退订", "STOP", "UNSUBSCRIBE"]),
  /** Everything is judged and logged but nothing leaves: the outbox marks each message dry_run. */
  dryRun: z.boolean().default(false),
  /** Delivery attempts before a message is given up (failed); retries back off exponentially. */
  maxAttempts: z.int().min(1).max(20).default(5),
  /** The first retry's delay; each further retry doubles it (capped at a day). */
  retryBaseSeconds: z.int().min(1).max(3600).default(60),
});
export type MessagingSettings = z.infer<typeof MessagingSettings>;

// ---------------------------------------------------------------------------------------------
// Outbox and deliveries
// ---------------------------------------------------------------------------------------------

/** Why a message was not sent. Every suppressed message is kept with one of these. */
export const SUPPRESSION_REASONS = [
  "no_consent",
  "unsubscribed",
  "frequency_cap",
  "channel_cap",
  "suppression_list",
  "channel_disabled",
  "no_address",
  "journey_limit",
  "send_allowance",
  "dry_run",
  "render_failed",
] as const;
export const SuppressionReason = z.enum(SUPPRESSION_REASONS);
export type SuppressionReason = z.infer<typeof SuppressionReason>;

/**
 * queued → (held until quiet hours end) → sending → delivered | failed; or suppressed at send time.
 * `pending_confirmation`: a WeCom mass send waits for the staff member to confirm it.
 */
export const MESSAGE_STATUSES = ["queued", "held", "sending", "pending_confirmation", "delivered", "failed", "suppressed"] as const;
export const MessageStatus = z.enum(MESSAGE_STATUSES);
export type MessageStatus = z.infer<typeof MessageStatus>;

/** What asked for the message. */
export const MessageSource = z.strictObject({
  kind: z.enum(["journey", "broadcast", "api", "test"]),
  journeyId: Id.nullable().default(null),
  journeyVersion: z.int().nullable().default(null),
  nodeId: z.string().nullable().default(null),
  runId: Id.nullable().default(null),
  broadcastId: Id.nullable().default(null),
});
export type MessageSource = z.infer<typeof MessageSource>;

export const MessageDto = z.object({
  id: Id,
  profileId: Id,
  channel: Channel,
  category: MessageCategory,
  templateId: Id.nullable(),
  status: MessageStatus,
  reason: SuppressionReason.nullable(),
  source: MessageSource,
  /** The address it went to (phone masked for roles without PII). */
  address: z.string().nullable(),
  rendered: TemplateContent,
  attempts: z.int(),
  error: z.string().nullable(),
  createdAt: IsoDateTime,
  /** When it may go (quiet hours, retries); null once final. */
  dueAt: IsoDateTime.nullable(),
  deliveredAt: IsoDateTime.nullable(),
});
export type MessageDto = z.infer<typeof MessageDto>;

export const MessageListQuery = PageQuery.extend({
  profileId: Id.optional(),
  journeyId: Id.optional(),
  channel: Channel.optional(),
  status: MessageStatus.optional(),
});
export type MessageListQuery = z.infer<typeof MessageListQuery>;
export const MessagePageDto = pageOf(MessageDto);
export type MessagePageDto = z.infer<typeof MessagePageDto>;

/** Send one template to one customer through the API (idempotent by `idempotencyKey`). */
export const SendMessageBody = z.strictObject({
  profileId: Id,
  templateId: Id,
  category: MessageCategory.default("targeted"),
  idempotencyKey: z.string().trim().min(1).max(200),
  variables: z.record(z.string(), z.unknown()).default({}),
});
export type SendMessageBody = z.infer<typeof SendMessageBody>;

export const SuppressionEntryBody = z.strictObject({
  channel: Channel.nullable().default(null),
  /** A phone (E.164), an email, or a profile id. */
  address: z.string().trim().min(1).max(320),
  note: z.string().max(500).default(""),
});
export type SuppressionEntryBody = z.infer<typeof SuppressionEntryBody>;
export const SuppressionEntryDto = SuppressionEntryBody.extend({ id: Id, createdAt: IsoDateTime });
export type SuppressionEntryDto = z.infer<typeof SuppressionEntryDto>;

// ---------------------------------------------------------------------------------------------
// In-app inbox (member API)
// ---------------------------------------------------------------------------------------------

export const InboxItemDto = z.object({
  id: Id,
  title: z.string(),
  body: z.string(),
  url: z.string(),
  createdAt: IsoDateTime,
  readAt: IsoDateTime.nullable(),
});
export type InboxItemDto = z.infer<typeof InboxItemDto>;
export const InboxPageDto = pageOf(InboxItemDto).extend({ unread: z.int() });
export type InboxPageDto = z.infer<typeof InboxPageDto>;

export const InboxPageQuery = PageQuery;
export type InboxPageQuery = z.infer<typeof InboxPageQuery>;
/** Marks the member's own inbox items read; ids that are not theirs are ignored. */
export const InboxReadsBody = z.strictObject({ ids: z.array(Id).min(1).max(200) });
export type InboxReadsBody = z.infer<typeof InboxReadsBody>;
export const InboxReadsDto = z.object({ marked: z.int(), unread: z.int() });
export type InboxReadsDto = z.infer<typeof InboxReadsDto>;

/** `messageTemplateId`: route walks tell it from the coupon templates' `templateId`. */
export const TemplateParams = WorkspaceParams.extend({ messageTemplateId: Id });
export const MessageParams = WorkspaceParams.extend({ messageId: Id });
export const SuppressionParams = WorkspaceParams.extend({ suppressionId: Id });
export const SuppressionListDto = z.object({ items: z.array(SuppressionEntryDto) });
export type SuppressionListDto = z.infer<typeof SuppressionListDto>;

// ---------------------------------------------------------------------------------------------
// Provider callbacks
// ---------------------------------------------------------------------------------------------

/** URLs to paste into the providers' consoles; each carries the workspace's callback token (keep them secret). */
export const MessagingCallbacksDto = z.object({
  smsReplies: z.object({
    /** Aliyun SMS console → 通用设置 → 上行短信接收 (HTTP push of SmsUp). */
    aliyun: z.string(),
    /** Tencent Cloud SMS console → 应用设置 → 回调配置 → 回复短信回调. */
    tencent: z.string(),
  }),
});
export type MessagingCallbacksDto = z.infer<typeof MessagingCallbacksDto>;
/** The path of a provider's SMS reply callback. */
export const SmsReplyCallbackParams = z.strictObject({ callbackToken: z.string().min(1).max(100) });
