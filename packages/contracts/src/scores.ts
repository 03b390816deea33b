import { z } from "zod";
import { Id, IsoDateTime } from "./common";
import { LifecycleStage, RfmCell, RfmLayer, ValueTier } from "./segments";

// RFM scores, lifecycle stages and the value pyramid: what the scores module computes per
// customer, and the per-workspace settings that decide it. Every number here is a default the
// operator can change (PUT /scores/settings); docs/modules/scores.md explains each one.

/** Four ascending cut points: they split a dimension into scores 1–5. */
const CutPoints = z
  .tuple([z.number().min(0), z.number().min(0), z.number().min(0), z.number().min(0)])
  .superRefine((points, ctx) => {
    for (let i = 1; i < points.length; i++) {
      if (!(points[i]! > points[i - 1]!)) ctx.addIssue({ code: "custom", path: [i], message: "cut points must be strictly ascending" });
    }
  });

/**
 * The R × FM grid: row r−1 is R score r, column fm−1 is FM score fm, where FM is the average of
 * the F and M scores rounded down. The default is the widely used R × F segment map of RFM
 * tutorials, read on R × FM, with R 1 / FM 1 split off as "lost".
 */
type GridRow = [RfmCell, RfmCell, RfmCell, RfmCell, RfmCell];
export const DEFAULT_RFM_CELL_GRID: [GridRow, GridRow, GridRow, GridRow, GridRow] = [
  ["lost", "hibernating", "at_risk", "at_risk", "cant_lose"],
  ["hibernating", "hibernating", "at_risk", "at_risk", "cant_lose"],
  ["about_to_sleep", "about_to_sleep", "need_attention", "loyal", "loyal"],
  ["promising", "potential_loyalist", "potential_loyalist", "loyal", "loyal"],
  ["new", "potential_loyalist", "potential_loyalist", "champions", "champions"],
];

/** The brand plans' layers over the cells. */
export const DEFAULT_RFM_LAYER_MAP: Record<RfmCell, RfmLayer> = {
  champions: "high_value_core",
  loyal: "high_value_core",
  potential_loyalist: "potential",
  new: "potential",
  promising: "potential",
  need_attention: "potential",
  about_to_sleep: "dormant",
  at_risk: "dormant",
  cant_lose: "dormant",
  hibernating: "dormant",
  lost: "churned",
};

const Row = z.tuple([RfmCell, RfmCell, RfmCell, RfmCell, RfmCell]);

export const RfmSettings = z.strictObject({
  /** Orders in the last N days count. */
  windowDays: z.number().int().min(1).max(3650).default(365),
  /** quantiles: scores by rank among this workspace's buyers; thresholds: by the cut points below. */
  method: z.enum(["quantiles", "thresholds"]).default("quantiles"),
  thresholds: z
    .strictObject({
      /** Days since the last order: ≤ [0] → R 5, ≤ [1] → 4, ≤ [2] → 3, ≤ [3] → 2, more → 1. */
      recencyDays: CutPoints,
      /** Orders: ≥ [0] → F 2, ≥ [1] → 3, ≥ [2] → 4, ≥ [3] → 5, fewer → 1. */
      frequencyOrders: CutPoints,
      /** Spend in major units (yuan), same reading as frequency. */
      monetaryAmount: CutPoints,
    })
    .default({ recencyDays: [30, 60, 120, 240], frequencyOrders: [2, 3, 5, 8], monetaryAmount: [200, 500, 1000, 3000] }),
  /** Rows R 1…5, columns FM 1…5. */
  cellGrid: z.tuple([Row, Row, Row, Row, Row]).default(DEFAULT_RFM_CELL_GRID),
  layerMap: z.record(RfmCell, RfmLayer).default(DEFAULT_RFM_LAYER_MAP),
});
export type RfmSettings = z.infer<typeof RfmSettings>;

export const LifecycleSettings = z
  .strictObject({
    /** What counts as activity for dormant / churned: the last event of any kind, or the last order. */
    activity: z.enum(["last_seen", "last_order"]).default("last_seen"),
    /** First seen at most this many days ago → new. */
    newDays: z.number().int().min(0).max(3650).default(7),
    /** First seen at most this many days ago (and not new) → growing; beyond → mature. */
    growingDays: z.number().int().min(1).max(3650).default(90),
    /** No activity for at least this many days → dormant. */
    dormantDays: z.number().int().min(1).max(3650).default(90),
    /** No activity for at least this many days → churned. */
    churnedDays: z.number().int().min(1).max(3650).default(180),
  })
  .superRefine((s, ctx) => {
    if (s.growingDays <= s.newDays) ctx.addIssue({ code: "custom", path: ["growingDays"], message: "must be greater than newDays" });
    if (s.churnedDays <= s.dormantDays) ctx.addIssue({ code: "custom", path: ["churnedDays"], message: "must be greater than dormantDays" });
  });
export type LifecycleSettings = z.infer<typeof LifecycleSettings>;

export const ValuePyramidSettings = z
  .strictObject({
    /** Rank by predicted 365-day CLV (spend when no CLV has been computed) or by lifetime spend. */
    basis: z.enum(["clv", "spend"]).default("clv"),
    /** The top share of customers with spend that is SVIP, in percent. */
    svipPercent: z.number().gt(0).max(100).default(1),
    /** The next share that is VIP, in percent. */
    vipPercent: z.number().gt(0).max(100).default(9),
  })
  .superRefine((s, ctx) => {
    if (s.svipPercent + s.vipPercent > 100) ctx.addIssue({ code: "custom", path: ["vipPercent"], message: "svipPercent + vipPercent must be at most 100" });
  });
export type ValuePyramidSettings = z.infer<typeof ValuePyramidSettings>;

export const ScheduleSettings = z.strictObject({
  /** Recompute once a day, after this local hour (the workspace's time zone). */
  enabled: z.boolean().default(true),
  hour: z.number().int().min(0).max(23).default(3),
});

export const ScoresSettingsDto = z.strictObject({
  rfm: RfmSettings.default(RfmSettings.parse({})),
  lifecycle: LifecycleSettings.default(LifecycleSettings.parse({})),
  valuePyramid: ValuePyramidSettings.default(ValuePyramidSettings.parse({})),
  schedule: ScheduleSettings.default(ScheduleSettings.parse({})),
});
export type ScoresSettingsDto = z.infer<typeof ScoresSettingsDto>;
export const DEFAULT_SCORES_SETTINGS: ScoresSettingsDto = ScoresSettingsDto.parse({});

/** PUT body: the whole settings object; sections left out take their defaults. */
export const UpdateScoresSettingsBody = ScoresSettingsDto;
export type UpdateScoresSettingsBody = z.input<typeof UpdateScoresSettingsBody>;

const Counts = z.record(z.string(), z.number().int());

export const ScoresRunDto = z.object({
  id: Id,
  trigger: z.enum(["manual", "schedule"]),
  computedAt: IsoDateTime,
  durationMs: z.number().int(),
  profiles: z.number().int(),
  /** Profiles with an order in the RFM window (the ones with scores). */
  scored: z.number().int(),
  cells: Counts,
  layers: Counts,
  stages: Counts,
  tiers: Counts,
  /** Changes since the previous run, i.e. the profile events appended. */
  transitions: z.object({ lifecycle: z.number().int(), rfm: z.number().int(), valueTier: z.number().int() }),
  /** The first run of a workspace is its baseline: it records scores but appends no change events. */
  baseline: z.boolean(),
});
export type ScoresRunDto = z.infer<typeof ScoresRunDto>;

export const RfmOverviewDto = z.object({
  computedAt: IsoDateTime.nullable(),
  method: z.enum(["quantiles", "thresholds"]),
  windowDays: z.number().int(),
  /** Customers with an order in the window. */
  scored: z.number().int(),
  /** One entry per (R, F) with customers: the heat map. monetaryAvg in major units. */
  heatmap: z.array(z.object({ r: z.number().int(), f: z.number().int(), customers: z.number().int(), monetaryAvg: z.number() })),
  cells: z.array(z.object({ cell: RfmCell, layer: RfmLayer, customers: z.number().int(), share: z.number(), monetaryAvg: z.number() })),
  layers: z.array(z.object({ layer: RfmLayer, customers: z.number().int(), share: z.number() })),
});
export type RfmOverviewDto = z.infer<typeof RfmOverviewDto>;

export const LifecycleOverviewDto = z.object({
  computedAt: IsoDateTime.nullable(),
  stages: z.array(z.object({ stage: LifecycleStage, customers: z.number().int(), share: z.number() })),
  /** lifecycle.changed events in the last 30 days, by from → to. */
  recentTransitions: z.array(z.object({ from: LifecycleStage.nullable(), to: LifecycleStage.nullable(), count: z.number().int() })),
  runs: z.array(z.object({ computedAt: IsoDateTime, transitions: z.number().int() })),
});
export type LifecycleOverviewDto = z.infer<typeof LifecycleOverviewDto>;

export const ValuePyramidDto = z.object({
  computedAt: IsoDateTime.nullable(),
  basis: z.enum(["clv", "spend"]),
  currency: z.string(),
  tiers: z.array(z.object({ tier: ValueTier, customers: z.number().int(), share: z.number(), spendMinor: z.number() })),
});
export type ValuePyramidDto = z.infer<typeof ValuePyramidDto>;

export const CustomerScoresDto = z.object({
  profileId: Id,
  computedAt: IsoDateTime.nullable(),
  r: z.number().int().nullable(),
  f: z.number().int().nullable(),
  m: z.number().int().nullable(),
  recencyDays: z.number().int().nullable(),
  frequency: z.number().int().nullable(),
  /** Spend in the RFM window, major units. */
  monetary: z.number().nullable(),
  cell: RfmCell.nullable(),
  layer: RfmLayer.nullable(),
  lifecycleStage: LifecycleStage.nullable(),
  valueTier: ValueTier.nullable(),
});
export type CustomerScoresDto = z.infer<typeof CustomerScoresDto>;

