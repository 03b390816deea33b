import { MessagingSettings, type TemplateInput } from "@siyu/contracts";
import { addDays, localParts, startOfLocalDay, type CoreServices, type WorkspaceContext } from "@siyu/core";

/**
 * The demo brand's message templates, in Chinese and English: the brand plans' welcome, new-member
 * tasks reminder, cart reminder, 90-day recall with a coupon, birthday care and points-expiry reminder.
 */
export const DEMO_TEMPLATES: TemplateInput[] = [
  {
    name: "欢迎入会 Welcome",
    channel: "inbox",
    purpose: "service",
    content: {
      "zh-CN": { subject: "欢迎加入{{ workspace.name }}", body: "{{ profile.name | default: '亲爱的会员' }}，欢迎入会！7 天新人任务已开启：完善资料、完成首单都有积分奖励。", url: "/pages/tasks" },
      en: { subject: "Welcome to {{ workspace.name }}", body: "Hi {{ profile.name | default: 'there' }}, welcome! Your 7-day new-member tasks are open: complete your profile or place a first order for bonus points.", url: "/pages/tasks" },
    },
  },
  {
    name: "新人任务提醒 New-member tasks",
    channel: "inbox",
    purpose: "marketing",
    content: {
      "zh-CN": { subject: "新人任务还剩 6 天", body: "完善资料、完成首单、加入社群、分享好物，每项都有积分奖励。", url: "/pages/tasks" },
      en: { subject: "6 days left for your new-member tasks", body: "Complete your profile, place a first order, join a group and share a product: each earns points.", url: "/pages/tasks" },
    },
  },
  {
    name: "购物车提醒 Cart reminder",
    channel: "inbox",
    purpose: "marketing",
    content: {
      "zh-CN": { subject: "您的{{ event.properties.product_name | default: '心仪好物' }}还在购物车里", body: "库存有限，今天下单立享限时优惠。", url: "/pages/cart" },
      en: { subject: "Your {{ event.properties.product_name | default: 'pick' }} is still in your cart", body: "Stock is limited; order today for a limited-time offer.", url: "/pages/cart" },
    },
  },
  {
    name: "沉睡召回 Recall with coupon",
    channel: "inbox",
    purpose: "marketing",
    content: {
      "zh-CN": { subject: "好久不见，{{ profile.name | default: '老朋友' }}", body: "送您一张 {{ coupon.name }}（券码 {{ coupon.code }}），{{ coupon.expiresAt | date: '%m月%d日' }} 前有效。", url: "/pages/coupons" },
      en: { subject: "We miss you, {{ profile.name | default: 'friend' }}", body: "Here is {{ coupon.name }} (code {{ coupon.code }}), valid until {{ coupon.expiresAt | date: '%b %d' }}.", url: "/pages/coupons" },
    },
  },
  {
    name: "生日关怀 Birthday",
    channel: "inbox",
    purpose: "service",
    content: {
      "zh-CN": { subject: "生日快乐，{{ profile.name | default: '亲爱的会员' }}！", body: "生日当月到店出示会员码，{{ profile.tier | default: '会员' }}专享生日饮品一杯。" },
      en: { subject: "Happy birthday, {{ profile.name | default: 'friend' }}!", body: "Show your member code in store this month for a free birthday drink." },
    },
  },
  {
    name: "积分即将过期 Points expiring",
    channel: "inbox",
    purpose: "service",
    content: {
      "zh-CN": { subject: "您有积分即将过期", body: "您的 {{ profile.points }} 积分中有部分将于月底过期，快去积分商城兑换吧。", url: "/pages/points-mall" },
      en: { subject: "Some of your points expire soon", body: "Part of your {{ profile.points }} points expire at the end of the month: redeem them in the points mall.", url: "/pages/points-mall" },
    },
  },
  {
    name: "新品上市 New fruit tea",
    channel: "inbox",
    purpose: "marketing",
    content: {
      "zh-CN": { subject: "{{ profile.name | default: '亲爱的会员' }}，夏日水果茶上新", body: "杨枝甘露、满杯红柚本周末上市，会员到店第二杯半价。", url: "/pages/menu" },
      en: { subject: "New fruit teas for you, {{ profile.name | default: 'friend' }}", body: "Mango pomelo sago and grapefruit tea arrive this weekend: members get the second cup half price.", url: "/pages/menu" },
    },
  },
];

/** The demo's broadcast: the new fruit teas, to the fruit-tea lovers, on the coming Saturday at 10:00. */
export const DEMO_BROADCAST = { name: "周末新品推送 Weekend launch", segment: "水果茶爱好者", template: "新品上市 New fruit tea", localHour: 10 } as const;

/** 10:00 local on the next Saturday after `now` (a week later when today is Saturday). */
export function nextSaturdayMorning(now: Date, timeZone: string, hour: number): Date {
  const today = localParts(now, timeZone);
  const ahead = (6 - today.weekday + 7) % 7 || 7;
  const day = localParts(addDays(now, ahead), timeZone);
  const midnight = startOfLocalDay(`${day.year}-${String(day.month).padStart(2, "0")}-${String(day.day).padStart(2, "0")}`, timeZone);
  return new Date(midnight.getTime() + hour * 3_600_000);
}

/**
 * One scheduled broadcast, so the broadcasts page of the demo is not empty. Runs after the demo's
 * segments exist (defineDemoSegmentation); skipped when its segment or template is missing.
 */
export async function seedDemoBroadcast(services: CoreServices, ctx: WorkspaceContext, timeZone: string, now: Date): Promise<void> {
  const segment = (await services.segments.list(ctx)).find((s) => s.name === DEMO_BROADCAST.segment);
  const template = (await services.messaging.templates.list(ctx)).find((t) => t.name === DEMO_BROADCAST.template);
  if (!segment || !template) return;
  await services.broadcasts.create(ctx, {
    name: DEMO_BROADCAST.name,
    segmentId: segment.id,
    channel: template.channel,
    templateId: template.id,
    category: "general",
    startAt: nextSaturdayMorning(now, timeZone, DEMO_BROADCAST.localHour).toISOString(),
    repeatEveryDays: null,
    perMinute: 1000,
  });
}

/** The templates, and the in-app inbox switched on (the one channel that needs no provider account). */
export async function seedDemoMessaging(services: CoreServices, ctx: WorkspaceContext): Promise<void> {
  for (const template of DEMO_TEMPLATES) await services.messaging.templates.create(ctx, template);
  await services.messaging.replaceSettings(ctx, MessagingSettings.parse({ channels: { inbox: { enabled: true } } }));
}
