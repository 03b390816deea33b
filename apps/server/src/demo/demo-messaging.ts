import { MessagingSettings, type TemplateInput } from "@siyu/contracts";
import type { CoreServices, WorkspaceContext } from "@siyu/core";

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
];

/** The templates, and the in-app inbox switched on (the one channel that needs no provider account). */
export async function seedDemoMessaging(services: CoreServices, ctx: WorkspaceContext): Promise<void> {
  for (const template of DEMO_TEMPLATES) await services.messaging.templates.create(ctx, template);
  await services.messaging.replaceSettings(ctx, MessagingSettings.parse({ channels: { inbox: { enabled: true } } }));
}
