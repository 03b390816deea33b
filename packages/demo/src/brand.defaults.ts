// The demo's numbers in one place. They shape a plausible tea-drink chain; nothing in the product
// reads them — the platform's own rules (RFM bands, tiers, alert lines) are operator settings.
import type { DemoProductCategory } from "./menu";

export const DEFAULT_DEMO_SEED = 20_261_101;
export const DEFAULT_DEMO_MEMBER_COUNT = 20_000;
export const MAX_DEMO_MEMBER_COUNT = 1_000_000;
/** Exclusive end of the history window (local midnight, Asia/Shanghai). Fixed, never "today". */
export const DEFAULT_DEMO_END_DATE = "2026-11-01";
/** The window starts this many months before its end unless startDate is given. */
export const DEFAULT_DEMO_HISTORY_MONTHS = 12;

export const DEMO_WORKSPACE = {
  name: "茶语时光 Demo",
  slug: "chayu-demo",
  timezone: "Asia/Shanghai",
  currency: "CNY",
} as const;

export const DEMO_SOURCE_CHANNELS = [
  "wechat_miniprogram",
  "store_pos",
  "wecom",
  "douyin",
  "official_account",
  "tmall",
] as const;
export type DemoSourceChannel = (typeof DEMO_SOURCE_CHANNELS)[number];

/** Share of new members by the channel they joined through. */
export const DEMO_CHANNEL_WEIGHTS: Readonly<Record<DemoSourceChannel, number>> = {
  wechat_miniprogram: 0.38,
  store_pos: 0.22,
  wecom: 0.14,
  douyin: 0.12,
  official_account: 0.08,
  tmall: 0.06,
};
/** Channels through which a member necessarily has WeChat identifiers. */
export const DEMO_WECHAT_CHANNELS: ReadonlySet<DemoSourceChannel> = new Set([
  "wechat_miniprogram",
  "wecom",
  "official_account",
]);

export const DEMO_FEMALE_SHARE = 0.68;
/** Members whose home city differs from their home store's city (travellers, commuters). */
export const DEMO_OTHER_CITY_SHARE = 0.1;
export const DEMO_OTHER_CITIES = ["苏州", "重庆", "天津", "西安", "长沙", "宁波", "东莞", "佛山"] as const;

/** Age (at the end of the window) bands and their shares: tea-drink customers skew young. */
export const DEMO_AGE_BANDS: ReadonlyArray<{ min: number; max: number; share: number }> = [
  { min: 16, max: 20, share: 0.14 },
  { min: 21, max: 25, share: 0.28 },
  { min: 26, max: 30, share: 0.24 },
  { min: 31, max: 35, share: 0.15 },
  { min: 36, max: 40, share: 0.09 },
  { min: 41, max: 45, share: 0.05 },
  { min: 46, max: 55, share: 0.05 },
];

/** Registration density at the end of the window relative to its start (linear growth). */
export const DEMO_REGISTRATION_GROWTH = 2.5;
/** Relative chance that a registration lands on a weekday rather than a weekend day. */
export const DEMO_WEEKDAY_REGISTRATION_FACTOR = 0.75;
/** Relative registrations per local hour 0–23: lunch, afternoon tea and evening peaks. */
export const DEMO_REGISTRATION_HOUR_WEIGHTS: readonly number[] = [
  0.3, 0.15, 0.1, 0.05, 0.05, 0.1, 0.3, 0.8, 1.5, 1.8, 2.6, 3.6,
  5.2, 5.0, 4.4, 4.6, 4.2, 4.0, 4.6, 5.0, 4.6, 3.4, 2.0, 0.9,
];

export const DEMO_ARCHETYPES = ["loyal_core", "regular", "occasional", "one_timer"] as const;
export type DemoArchetype = (typeof DEMO_ARCHETYPES)[number];

export interface DemoArchetypeProfile {
  share: number;
  /** Median orders per month and the spread (sd of its logarithm). */
  visitRateMedian: number;
  visitRateLogSd: number;
  priceSensitivityMean: number;
  /** Monthly probability of lapsing, before individual noise. */
  churnRisk: number;
  sociabilityMean: number;
}

/** Latent customer types; the loyal core is ≈ 15 % of members, one-timers the largest group. */
export const DEMO_ARCHETYPE_PROFILES: Readonly<Record<DemoArchetype, DemoArchetypeProfile>> = {
  loyal_core: { share: 0.15, visitRateMedian: 5, visitRateLogSd: 0.35, priceSensitivityMean: 0.35, churnRisk: 0.03, sociabilityMean: 0.6 },
  regular: { share: 0.25, visitRateMedian: 1.8, visitRateLogSd: 0.35, priceSensitivityMean: 0.45, churnRisk: 0.08, sociabilityMean: 0.42 },
  occasional: { share: 0.25, visitRateMedian: 0.6, visitRateLogSd: 0.4, priceSensitivityMean: 0.55, churnRisk: 0.2, sociabilityMean: 0.3 },
  one_timer: { share: 0.35, visitRateMedian: 0.08, visitRateLogSd: 0.5, priceSensitivityMean: 0.6, churnRisk: 0.55, sociabilityMean: 0.2 },
};

/** Favourite categories (merchandise is never a favourite: nobody comes back for a tote bag). */
export const DEMO_FAVOURITE_CATEGORY_WEIGHTS: Readonly<Partial<Record<DemoProductCategory, number>>> = {
  水果茶: 0.36,
  奶茶: 0.34,
  咖啡: 0.14,
  纯茶: 0.1,
  烘焙: 0.06,
};
