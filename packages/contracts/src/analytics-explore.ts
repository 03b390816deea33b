import { z } from "zod";
import { Id, IsoDateTime } from "./common";

// Event analysis, funnels, retention and paths over the event warehouse (the "explore" part of
// analytics). Queries are request bodies; periods are local calendar days in the workspace's
// time zone. A customer is the live profile an event belongs to now (events not yet linked to a
// profile are counted by the event-count measure only).

export const ANALYTICS_INTERVALS = ["day", "week", "month"] as const;
/** Calendar buckets in the workspace's time zone; weeks start on Monday. */
export const AnalyticsInterval = z.enum(ANALYTICS_INTERVALS);
export type AnalyticsInterval = z.infer<typeof AnalyticsInterval>;

const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: "must be a date YYYY-MM-DD" }).refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), {
  message: "is not a calendar date",
});

/** Local days, both included: from 2026-11-01 to 2026-11-30 is November. At most 3 years. */
export const AnalyticsPeriod = z
  .strictObject({ from: LocalDate, to: LocalDate })
  .refine((p) => p.from <= p.to, { message: "must not be before from", path: ["to"] })
  .refine((p) => Date.parse(p.to) - Date.parse(p.from) <= 3 * 366 * 86_400_000, { message: "a period spans at most 3 years", path: ["to"] });
export type AnalyticsPeriod = z.infer<typeof AnalyticsPeriod>;

/**
 * An event property, or with the prefix `profile.` a trait of the customer (`profile.city`).
 * `channel`, `store_id`, `product_id`, `order_id`, `currency`, `revenue`, `page_name`, `page_path`
 * read the warehouse's extracted columns; any other name reads `properties.<name>`.
 */
export const PropertyRef = z
  .string()
  .min(1)
  .max(200)
  .refine((name) => !/["\\]/.test(name) && [...name].every((c) => c.charCodeAt(0) >= 32), { message: "must not contain quotes, backslashes or control characters" });

export const EXPLORE_FILTER_OPS = ["eq", "neq", "in", "not_in", "contains", "gt", "gte", "lt", "lte", "is_set", "is_not_set"] as const;
export const ExploreFilterOp = z.enum(EXPLORE_FILTER_OPS);
export type ExploreFilterOp = z.infer<typeof ExploreFilterOp>;

const FilterScalar = z.union([z.string().max(1000), z.number(), z.boolean()]);

/** eq / neq / contains compare text (numbers as written); gt … lte compare numbers; in / not_in take a list. */
export const ExploreFilter = z
  .strictObject({
    property: PropertyRef,
    op: ExploreFilterOp,
    value: z.union([FilterScalar, z.array(FilterScalar).min(1).max(1000)]).optional(),
  })
  .superRefine((f, ctx) => {
    const list = Array.isArray(f.value);
    if (f.op === "is_set" || f.op === "is_not_set") {
      if (f.value !== undefined) ctx.addIssue({ code: "custom", path: ["value"], message: `${f.op} takes no value` });
    } else if (f.value === undefined) ctx.addIssue({ code: "custom", path: ["value"], message: `${f.op} needs a value` });
    else if ((f.op === "in" || f.op === "not_in") !== list) ctx.addIssue({ code: "custom", path: ["value"], message: list ? `${f.op} takes one value` : `${f.op} takes a list` });
    else if (["gt", "gte", "lt", "lte"].includes(f.op) && typeof f.value !== "number") ctx.addIssue({ code: "custom", path: ["value"], message: `${f.op} compares with a number` });
  });
export type ExploreFilter = z.infer<typeof ExploreFilter>;

const EventName = z.string().min(1).max(200);

/** One event with optional property filters (all must hold). */
export const EventStep = z.strictObject({ event: EventName, where: z.array(ExploreFilter).max(20).optional() });
export type EventStep = z.infer<typeof EventStep>;

/** Split by a property: its `limit` most frequent values, the rest as "other". */
export const ExploreBreakdown = z.strictObject({ property: PropertyRef, limit: z.number().int().min(1).max(50).default(10) });
export type ExploreBreakdown = z.infer<typeof ExploreBreakdown>;
export type ExploreBreakdownInput = z.input<typeof ExploreBreakdown>;

/** Which series of a breakdown: a value, the values past the top N, or events without the property. */
export const BreakdownGroup = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("all") }),
  z.strictObject({ kind: z.literal("value"), value: z.string().max(1000) }),
  z.strictObject({ kind: z.literal("other") }),
  z.strictObject({ kind: z.literal("none") }),
]);
export type BreakdownGroup = z.infer<typeof BreakdownGroup>;

// ---------------------------------------------------------------------------------------------
// Event analysis

export const EventMeasureKind = z.enum(["count", "unique", "sum"]);
export const ExploreMeasure = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("count") }),
  /** Distinct customers. */
  z.strictObject({ kind: z.literal("unique") }),
  /** Sum of a numeric property; values that are not numbers are skipped. */
  z.strictObject({ kind: z.literal("sum"), property: PropertyRef }),
]);
export type ExploreMeasure = z.infer<typeof ExploreMeasure>;

export const EventsQuery = z.strictObject({
  event: EventName,
  where: z.array(ExploreFilter).max(20).optional(),
  measure: ExploreMeasure.default({ kind: "count" }),
  interval: AnalyticsInterval.default("day"),
  period: AnalyticsPeriod,
  breakdown: ExploreBreakdown.optional(),
});
export type EventsQuery = z.infer<typeof EventsQuery>;
export type EventsQueryInput = z.input<typeof EventsQuery>;

export const SeriesDto = z.object({
  group: BreakdownGroup,
  /** One value per bucket. */
  values: z.array(z.number()),
  /** The whole period (for unique customers: distinct over the period, not the sum of buckets). */
  total: z.number(),
});
export type SeriesDto = z.infer<typeof SeriesDto>;

export const EventsResultDto = z.object({
  interval: AnalyticsInterval,
  /** The first local day of each bucket, YYYY-MM-DD; every bucket of the period, empty ones too. */
  buckets: z.array(z.string()),
  /** One series without a breakdown (group all); with one: top values, then other and none when present. */
  series: z.array(SeriesDto),
  /** Every matching event (or customer, or sum) of the period. */
  total: z.number(),
});
export type EventsResultDto = z.infer<typeof EventsResultDto>;

// ---------------------------------------------------------------------------------------------
// Funnels

/** exposure → click → visit → add-to-cart → purchase, as the Segment e-commerce spec names them. */
export const DEFAULT_FUNNEL_STEPS: readonly EventStep[] = [
  { event: "Promotion Viewed" },
  { event: "Promotion Clicked" },
  { event: "Product Viewed" },
  { event: "Product Added" },
  { event: "Order Completed" },
];

export const ConversionWindow = z.strictObject({ value: z.number().int().min(1).max(1000), unit: z.enum(["minute", "hour", "day"]) }).refine(
  (w) => w.value * { minute: 60, hour: 3600, day: 86_400 }[w.unit] <= 90 * 86_400,
  { message: "a conversion window is at most 90 days", path: ["value"] },
);
export type ConversionWindow = z.infer<typeof ConversionWindow>;

export const FunnelQuery = z.strictObject({
  steps: z.array(EventStep).min(2).max(10),
  /** From the first step to the last; default 7 days. */
  window: ConversionWindow.default({ value: 7, unit: "day" }),
  /** loose: in this order, other events may come between; strict: each step is the customer's very next event. */
  order: z.enum(["loose", "strict"]).default("loose"),
  /** The first step falls in the period; later steps may follow it within the window. */
  period: AnalyticsPeriod,
  breakdown: ExploreBreakdown.optional(),
});
export type FunnelQuery = z.infer<typeof FunnelQuery>;
export type FunnelQueryInput = z.input<typeof FunnelQuery>;

export const TimeToConvertDto = z.object({ p25: z.number(), median: z.number(), p75: z.number(), p90: z.number(), mean: z.number() });

export const FunnelStepDto = z.object({
  event: z.string(),
  /** Customers who reached this step (in order, within the window). */
  count: z.number().int(),
  /** count / the previous step's count (the transition probability); 1 for the first step; null when the previous is 0. */
  fromPrevious: z.number().nullable(),
  /** count / the first step's count; null when nobody entered. */
  fromFirst: z.number().nullable(),
  /** Median seconds from the previous step to this one, among those who reached it. */
  medianSecondsFromPrevious: z.number().nullable(),
});
export type FunnelStepDto = z.infer<typeof FunnelStepDto>;

export const FunnelSeriesDto = z.object({
  group: BreakdownGroup,
  steps: z.array(FunnelStepDto),
  /** Last step / first step; null when nobody entered. */
  conversion: z.number().nullable(),
  /** Seconds from the first step to the last, among those who converted; null when nobody did. */
  timeToConvert: TimeToConvertDto.nullable(),
});
export type FunnelSeriesDto = z.infer<typeof FunnelSeriesDto>;

export const FunnelResultDto = z.object({
  /** The whole funnel (group all) first, then one per breakdown group. */
  series: z.array(FunnelSeriesDto),
});
export type FunnelResultDto = z.infer<typeof FunnelResultDto>;

/** Customers who reached step `step - 1` (0-based) but not `step`. */
export const FunnelDroppedBody = z.strictObject({
  query: FunnelQuery,
  step: z.number().int().min(1).max(9),
  group: BreakdownGroup.default({ kind: "all" }),
  limit: z.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type FunnelDroppedBody = z.infer<typeof FunnelDroppedBody>;
export type FunnelDroppedBodyInput = z.input<typeof FunnelDroppedBody>;

export const DroppedCustomerDto = z.object({
  profileId: Id,
  /** Masked unless the caller holds customers.pii. */
  name: z.string().nullable(),
  /** When they did the last step they reached. */
  lastStepAt: IsoDateTime,
});
export const FunnelDroppedPageDto = z.object({ items: z.array(DroppedCustomerDto), total: z.number().int(), nextCursor: z.string().nullable() });
export type FunnelDroppedPageDto = z.infer<typeof FunnelDroppedPageDto>;

export const SaveDroppedSegmentBody = z.strictObject({
  query: FunnelQuery,
  step: z.number().int().min(1).max(9),
  group: BreakdownGroup.default({ kind: "all" }),
  name: z.string().trim().min(1).max(100),
  description: z.string().max(2000).optional(),
});
export type SaveDroppedSegmentBody = z.infer<typeof SaveDroppedSegmentBody>;
export type SaveDroppedSegmentBodyInput = z.input<typeof SaveDroppedSegmentBody>;

export const SavedDroppedSegmentDto = z.object({
  segmentId: Id,
  /** The manual tag the customers hold; the segment is "has this tag", so its list stays fixed. */
  tagId: Id,
  size: z.number().int(),
});
export type SavedDroppedSegmentDto = z.infer<typeof SavedDroppedSegmentDto>;

// ---------------------------------------------------------------------------------------------
// Retention

export const RetentionCohort = z.discriminatedUnion("kind", [
  /** The customer's first ever occurrence of the event (with the filters). */
  z.strictObject({ kind: z.literal("first_event"), event: EventName, where: z.array(ExploreFilter).max(20).optional() }),
  /** The customer's first order (Order Completed). */
  z.strictObject({ kind: z.literal("first_order") }),
]);
export type RetentionCohort = z.infer<typeof RetentionCohort>;

export const RetentionQuery = z.strictObject({
  cohort: RetentionCohort,
  /** What counts as coming back. */
  returnEvent: EventStep,
  interval: AnalyticsInterval.default("week"),
  /** Periods after the cohort's own (period 0 is the cohort's period). */
  periods: z.number().int().min(1).max(60).default(8),
  /** bounded: did the return event in exactly period k; unbounded: in period k or any later one. */
  mode: z.enum(["bounded", "unbounded"]).default("bounded"),
  /** Cohorts whose first event falls in the period; returns are counted up to its end. */
  period: AnalyticsPeriod,
});
export type RetentionQuery = z.infer<typeof RetentionQuery>;
export type RetentionQueryInput = z.input<typeof RetentionQuery>;

export const RetentionCohortDto = z.object({
  /** The cohort's first local day, YYYY-MM-DD. */
  cohort: z.string(),
  size: z.number().int(),
  /** Periods 0..N; null for periods that start after the query's period ends. */
  counts: z.array(z.number().int().nullable()),
  rates: z.array(z.number().nullable()),
});
export const RetentionResultDto = z.object({
  interval: AnalyticsInterval,
  mode: z.enum(["bounded", "unbounded"]),
  cohorts: z.array(RetentionCohortDto),
  /** Per period: returned / size over the cohorts that have the period (a weighted mean). */
  average: z.array(z.number().nullable()),
});
export type RetentionResultDto = z.infer<typeof RetentionResultDto>;

// ---------------------------------------------------------------------------------------------
// Paths

export const PathsQuery = z.strictObject({
  event: EventName,
  where: z.array(ExploreFilter).max(20).optional(),
  /** The events after (next) or before (previous) the customer's first matching event in the period. */
  direction: z.enum(["next", "previous"]).default("next"),
  depth: z.number().int().min(1).max(5).default(3),
  /** Events per step shown by name; the rest are "other". */
  limit: z.number().int().min(1).max(20).default(5),
  /** Runs of the same event count as one step (pv pv pv cart → pv cart). */
  collapseRepeats: z.boolean().default(true),
  period: AnalyticsPeriod,
});
export type PathsQuery = z.infer<typeof PathsQuery>;
export type PathsQueryInput = z.input<typeof PathsQuery>;

export const PathNodeDto = z.object({
  /** `<step>:<event>`, or `<step>:~other`; step 0 is the anchor event, negative steps come before it. */
  id: z.string(),
  step: z.number().int(),
  /** null for "other". */
  event: z.string().nullable(),
  customers: z.number().int(),
});
export const PathLinkDto = z.object({ source: z.string(), target: z.string(), customers: z.number().int() });
export const PathsResultDto = z.object({
  /** Customers with the anchor event in the period. */
  customers: z.number().int(),
  nodes: z.array(PathNodeDto),
  links: z.array(PathLinkDto),
});
export type PathsResultDto = z.infer<typeof PathsResultDto>;

// ---------------------------------------------------------------------------------------------
// Saved reports (one generic table: explore queries and, later, other analytics reports)

/** A lower-case name such as "funnel"; explore queries are checked against their schema. */
export const SavedReportKind = z.string().regex(/^[a-z][a-z0-9_.-]{0,49}$/, { message: "must be a lower-case name such as funnel" });
export const EXPLORE_REPORT_KINDS = ["events", "funnel", "retention", "paths"] as const;

export const SavedReportDto = z.object({
  id: Id,
  kind: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  query: z.record(z.string(), z.unknown()),
  createdBy: z.string(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type SavedReportDto = z.infer<typeof SavedReportDto>;
export const SavedReportListDto = z.object({ items: z.array(SavedReportDto) });
export const SavedReportListQuery = z.strictObject({ kind: SavedReportKind.optional() });

export const CreateSavedReportBody = z.strictObject({
  kind: SavedReportKind,
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).optional(),
  query: z.record(z.string(), z.unknown()),
});
export type CreateSavedReportBody = z.infer<typeof CreateSavedReportBody>;
export const UpdateSavedReportBody = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  description: z.string().max(2000).nullable().optional(),
  query: z.record(z.string(), z.unknown()).optional(),
});
export type UpdateSavedReportBody = z.infer<typeof UpdateSavedReportBody>;
export const SavedReportParams = z.strictObject({ workspaceId: Id, reportId: Id });
