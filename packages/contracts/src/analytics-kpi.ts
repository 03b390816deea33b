import { z } from "zod";
import { AlertSeverity } from "./alerts";
import { Id, IsoDateTime, LocalDate } from "./common";

// The KPI dashboard, acquisition costs, campaign ROI and the weekly review
// (docs/modules/analytics.md, "KPI dashboard"). Every number the brand plans set is a default
// of AnalyticsSettings the operator can change (GET/PUT /analytics/settings).

const DAY_MS = 86_400_000;
/** The longest period the dashboard answers (its daily series has one point per day). */
export const MAX_DASHBOARD_DAYS = 366;

export const DashboardQuery = z
  .strictObject({
    /** First local day of the period (inclusive); default: 30 days ending yesterday. */
    from: LocalDate.optional(),
    /** Last local day of the period (inclusive). */
    to: LocalDate.optional(),
    /** Only this store (a store id): orders and events whose store_id is the store's id or code. */
    storeId: Id.optional(),
  })
  .superRefine((q, ctx) => {
    if ((q.from === undefined) !== (q.to === undefined)) {
      ctx.addIssue({ code: "custom", path: [q.from === undefined ? "from" : "to"], message: "from and to go together" });
      return;
    }
    if (q.from && q.to) {
      if (q.from > q.to) ctx.addIssue({ code: "custom", path: ["from"], message: "must be on or before to" });
      else if ((Date.parse(q.to) - Date.parse(q.from)) / DAY_MS + 1 > MAX_DASHBOARD_DAYS) {
        ctx.addIssue({ code: "custom", path: ["to"], message: `the period is at most ${MAX_DASHBOARD_DAYS} days` });
      }
    }
  });
export type DashboardQuery = z.infer<typeof DashboardQuery>;

export const KpiPeriodDto = z.object({ from: LocalDate, to: LocalDate, days: z.number().int() });
export type KpiPeriodDto = z.infer<typeof KpiPeriodDto>;

export const KPI_METRICS = [
  "newMembers",
  "activeMembers",
  "buyers",
  "dau",
  "wau",
  "mau",
  "orders",
  "gmv",
  "averageOrderValue",
  "repurchaseRate",
  "repurchaseCycleDays",
  "retention",
  "churnRate",
  "ltv",
  "acquisitionCost",
  "cac",
  "ltvToCac",
  "pointsLiability",
  "couponLiability",
  "messagesSent",
  "kFactor",
  "nps",
] as const;
export const KpiMetricKey = z.enum(KPI_METRICS);
export type KpiMetricKey = z.infer<typeof KpiMetricKey>;

/** How to read a metric's value: a count, money in minor units of the workspace currency, a share 0–1, days, a ratio or a score. */
export const KpiUnit = z.enum(["count", "money", "share", "days", "ratio", "score", "points"]);
export type KpiUnit = z.infer<typeof KpiUnit>;

export const KpiMetricDto = z.object({
  key: KpiMetricKey,
  unit: KpiUnit,
  /** Null when the metric cannot be computed for the period; `note` says why. */
  value: z.number().nullable(),
  previous: z.number().nullable(),
  /** value − previous, null when either is null. */
  change: z.number().nullable(),
  /** change ÷ |previous|, null when previous is 0 or null. */
  changeRatio: z.number().nullable(),
  /** One point per local day of the period (empty for metrics with no daily form). */
  series: z.array(z.object({ day: LocalDate, value: z.number().nullable() })),
  /** Why the value is null, or how it was computed when there is a choice (e.g. LTV "historic_spend"). */
  note: z.string().nullable(),
});
export type KpiMetricDto = z.infer<typeof KpiMetricDto>;

export const CacBreakdownDto = z.object({
  kind: z.enum(["channel", "campaign"]),
  key: z.string(),
  costMinor: z.number().int(),
  newMembers: z.number().int(),
  /** costMinor ÷ newMembers (minor units), null without new members. */
  cacMinor: z.number().nullable(),
});
export type CacBreakdownDto = z.infer<typeof CacBreakdownDto>;

export const DashboardDto = z.object({
  period: KpiPeriodDto,
  previousPeriod: KpiPeriodDto,
  timeZone: z.string(),
  currency: z.string(),
  storeId: Id.nullable(),
  metrics: z.array(KpiMetricDto),
  cacBreakdown: z.array(CacBreakdownDto),
  computedAt: IsoDateTime,
  /** Milliseconds the warehouse queries took. */
  tookMs: z.number(),
});
export type DashboardDto = z.infer<typeof DashboardDto>;

// Acquisition costs

export const CostKind = z.enum(["channel", "campaign"]);
export type CostKind = z.infer<typeof CostKind>;

export const AcquisitionCostBody = z
  .strictObject({
    kind: CostKind,
    /** The channel (e.g. "douyin", as in the member's source_channel / utm_source) or the campaign (utm_campaign). */
    key: z.string().trim().min(1).max(120),
    /** First and last local day the money was spent over (inclusive); spread evenly over those days. */
    from: LocalDate,
    to: LocalDate,
    amountMinor: z.number().int().min(0).max(1e13),
    /** Only this store's acquisition; null = the whole workspace. */
    storeId: Id.nullable().default(null),
    note: z.string().max(500).nullable().default(null),
  })
  .superRefine((b, ctx) => {
    if (b.from > b.to) ctx.addIssue({ code: "custom", path: ["from"], message: "must be on or before to" });
  });
export type AcquisitionCostBody = z.infer<typeof AcquisitionCostBody>;

export const AcquisitionCostDto = z.object({
  id: Id,
  kind: CostKind,
  key: z.string(),
  from: LocalDate,
  to: LocalDate,
  amountMinor: z.number().int(),
  storeId: Id.nullable(),
  note: z.string().nullable(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type AcquisitionCostDto = z.infer<typeof AcquisitionCostDto>;

export const AcquisitionCostListQuery = z.strictObject({
  /** Costs whose days overlap [from, to]. */
  from: LocalDate.optional(),
  to: LocalDate.optional(),
  kind: CostKind.optional(),
});
export type AcquisitionCostListQuery = z.infer<typeof AcquisitionCostListQuery>;

export const AcquisitionCostListDto = z.object({ items: z.array(AcquisitionCostDto) });
export type AcquisitionCostListDto = z.infer<typeof AcquisitionCostListDto>;

export const AcquisitionCostParams = z.strictObject({ workspaceId: Id, costId: Id });

// Campaign ROI

/**
 * How an order's revenue is credited to a channel and a campaign:
 * - `order`: the order's own UTM campaign and source, else its buyer's acquisition channel and campaign
 *   (returns on what was spent to win the customer);
 * - `lastTouch`: the customer's last touch on a channel (campaign) within `lookbackDays` before the order
 *   that no earlier order already took, as the attribution report's last-touch model credits it
 *   (returns on what was spent to bring the order in).
 */
export const RoiCredit = z.enum(["order", "lastTouch"]);
export type RoiCredit = z.infer<typeof RoiCredit>;

export const CampaignRoiQuery = z
  .strictObject({
    from: LocalDate.optional(),
    to: LocalDate.optional(),
    credit: RoiCredit.default("order"),
    /** lastTouch: touches up to this many days before an order count. */
    lookbackDays: z.coerce.number().int().min(1).max(365).default(30),
  })
  .superRefine((q, ctx) => {
    if ((q.from === undefined) !== (q.to === undefined)) {
      ctx.addIssue({ code: "custom", path: [q.from === undefined ? "from" : "to"], message: "from and to go together" });
    } else if (q.from && q.to && q.from > q.to) ctx.addIssue({ code: "custom", path: ["from"], message: "must be on or before to" });
  });
export type CampaignRoiQuery = z.infer<typeof CampaignRoiQuery>;

export const CampaignRoiRowDto = z.object({
  kind: CostKind,
  key: z.string(),
  costMinor: z.number().int(),
  /** Net revenue (minor units) of the period's orders credited to this channel or campaign by the query's rule. */
  revenueMinor: z.number().int(),
  orders: z.number().int(),
  /** (revenue − cost) ÷ cost; null when the cost is 0. */
  roi: z.number().nullable(),
  /** Revenue × margin rate (per product category when set) − cost, minor units. */
  marginContributionMinor: z.number().int(),
});
export type CampaignRoiRowDto = z.infer<typeof CampaignRoiRowDto>;

export const CampaignRoiDto = z.object({
  period: KpiPeriodDto,
  credit: RoiCredit,
  /** The lookback of lastTouch; null under the order rule. */
  lookbackDays: z.number().int().nullable(),
  currency: z.string(),
  rows: z.array(CampaignRoiRowDto),
});
export type CampaignRoiDto = z.infer<typeof CampaignRoiDto>;

// Weekly review

/** ISO week, e.g. 2026-W07. */
export const IsoWeek = z.string().regex(/^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/, { message: "must be an ISO week such as 2026-W07" });

export const WeeklyReportQuery = z.strictObject({
  /** Default: the last complete week. */
  week: IsoWeek.optional(),
  format: z.enum(["json", "csv"]).default("json"),
});
export type WeeklyReportQuery = z.infer<typeof WeeklyReportQuery>;

export const WeeklyReportDto = z.object({
  week: z.string(),
  period: KpiPeriodDto,
  previousPeriod: KpiPeriodDto,
  currency: z.string(),
  timeZone: z.string(),
  kpis: z.array(KpiMetricDto.omit({ series: true })),
  topCampaigns: z.array(CampaignRoiRowDto),
  /** The alerts that fired or resolved on a period starting in the week, in period order. */
  alerts: z.array(
    z.object({ rule: z.string(), severity: AlertSeverity, kind: z.enum(["fired", "resolved"]), periodStart: LocalDate, message: z.string() }),
  ),
  /** The alerts in one sentence ("2 fired, 1 resolved"), for the page and the CSV. */
  alertsNote: z.string(),
});
export type WeeklyReportDto = z.infer<typeof WeeklyReportDto>;

// Settings

const Share = z.number().min(0).max(1);

export const AnalyticsSettingsDto = z.object({
  /** A customer whose last order is this many days or more before the period's end counts as churned (the plans' dormant ≥ 90 days). */
  churnDays: z.number().int().min(1).max(3650),
  /** Gross margin rate of revenue, and per product category (products[].category of an order). */
  margin: z.object({ defaultRate: Share, categoryRates: z.record(z.string().min(1).max(100), Share) }),
  /** Event names and properties that K-factor and NPS read. */
  referral: z.object({ inviteEvent: z.string().min(1).max(200), conversionEvent: z.string().min(1).max(200) }),
  nps: z.object({ event: z.string().min(1).max(200), scoreProperty: z.string().regex(/^[A-Za-z0-9_]{1,64}$/) }),
  /** How many campaigns the weekly review lists. */
  weeklyTopCampaigns: z.number().int().min(1).max(50),
  /**
   * A member without acquisition traits is acquired through the campaign source / name of their first event
   * carrying one only when that event is at most this many days after they were first seen: a campaign link
   * clicked months later did not win them.
   */
  acquisitionWindowDays: z.number().int().min(0).max(3650),
});
export type AnalyticsSettingsDto = z.infer<typeof AnalyticsSettingsDto>;

export const DEFAULT_ANALYTICS_SETTINGS: AnalyticsSettingsDto = {
  churnDays: 90,
  margin: { defaultRate: 0.6, categoryRates: {} },
  referral: { inviteEvent: "Referral Invite Sent", conversionEvent: "Referral Completed" },
  nps: { event: "Survey Submitted", scoreProperty: "score" },
  weeklyTopCampaigns: 10,
  acquisitionWindowDays: 7,
};

export const UpdateAnalyticsSettingsBody = AnalyticsSettingsDto.partial().strict();
export type UpdateAnalyticsSettingsBody = z.infer<typeof UpdateAnalyticsSettingsBody>;
