import { z } from "zod";
import { Id, IsoDateTime, PageQuery, pageOf } from "./common";
import { ProfileSummaryDto } from "./profiles";

// The segment rule tree: the one language for "which customers". Segments, computed tags,
// journeys' conditions, exports and dashboards all evaluate the same tree the same way
// (compiled to SQL on the warehouse by packages/core/src/segments).
//
// The shape is checked here; meaning (does the trait exist, does the operator fit its type,
// is a window positive, does a segment reference itself) is checked by the segments module,
// which reports each problem with its path in the tree, e.g. ["rules", 1, "op"].

/** The classic RFM cells, from the best customers to the lost ones. */
export const RFM_CELLS = [
  "champions",
  "loyal",
  "potential_loyalist",
  "new",
  "promising",
  "need_attention",
  "about_to_sleep",
  "at_risk",
  "cant_lose",
  "hibernating",
  "lost",
] as const;
export const RfmCell = z.enum(RFM_CELLS);
export type RfmCell = z.infer<typeof RfmCell>;

/** The brand plans' coarser layers over the RFM cells. */
export const RFM_LAYERS = ["high_value_core", "potential", "dormant", "churned"] as const;
export const RfmLayer = z.enum(RFM_LAYERS);
export type RfmLayer = z.infer<typeof RfmLayer>;

export const LIFECYCLE_STAGES = ["new", "growing", "mature", "dormant", "churned"] as const;
export const LifecycleStage = z.enum(LIFECYCLE_STAGES);
export type LifecycleStage = z.infer<typeof LifecycleStage>;

/** The value pyramid, top first; "none" for customers without spend. */
export const VALUE_TIERS = ["svip", "vip", "regular", "none"] as const;
export const ValueTier = z.enum(VALUE_TIERS);
export type ValueTier = z.infer<typeof ValueTier>;

export const TRAIT_TYPES = ["string", "number", "boolean", "date"] as const;
export const TraitType = z.enum(TRAIT_TYPES);
export type TraitType = z.infer<typeof TraitType>;

/**
 * Operators a trait condition may use; which of them fit depends on the trait's type:
 * - string:  eq, neq, in, not_in, contains, starts_with, exists, not_exists
 * - number:  eq, neq, gt, gte, lt, lte, between, exists, not_exists
 * - boolean: eq, exists, not_exists
 * - date:    before, after, between (absolute ISO dates), in_last_days, not_in_last_days,
 *            anniversary_in_next_days (birthdays), exists, not_exists
 */
export const TRAIT_OPS = [
  "eq",
  "neq",
  "in",
  "not_in",
  "contains",
  "starts_with",
  "gt",
  "gte",
  "lt",
  "lte",
  "between",
  "before",
  "after",
  "in_last_days",
  "not_in_last_days",
  "anniversary_in_next_days",
  "exists",
  "not_exists",
] as const;
export const TraitOp = z.enum(TRAIT_OPS);
export type TraitOp = z.infer<typeof TraitOp>;

export const COMPARE_OPS = ["eq", "neq", "gt", "gte", "lt", "lte", "between"] as const;
export const CompareOp = z.enum(COMPARE_OPS);
export type CompareOp = z.infer<typeof CompareOp>;

const Scalar = z.union([z.string().max(500), z.number(), z.boolean()]);
/** A condition's operand: a scalar, a list (in / not_in), or a [low, high] pair (between, inclusive). */
export const RuleValue = z.union([Scalar, z.array(Scalar).max(1000)]);
export type RuleValue = z.infer<typeof RuleValue>;

/** When an event condition looks: relative to the evaluation time, or between absolute instants. */
export const EventWindow = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("ever") }),
  /** The last N days up to now. */
  z.strictObject({ kind: z.literal("in_last_days"), days: z.number() }),
  /** Before now − N days. */
  z.strictObject({ kind: z.literal("before_last_days"), days: z.number() }),
  /** [from, to). */
  z.strictObject({ kind: z.literal("between"), from: IsoDateTime, to: IsoDateTime }),
]);
export type EventWindow = z.infer<typeof EventWindow>;

/** A filter on an event's properties (properties.<property>), typed by the value it compares with. */
export const PropertyFilter = z.strictObject({
  property: z.string().min(1).max(200),
  op: TraitOp,
  value: RuleValue.optional(),
});
export type PropertyFilter = z.infer<typeof PropertyFilter>;

/** count of matching events, or sum / avg of a numeric property of them (`revenue` for order totals). */
export const EventMeasure = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("count") }),
  z.strictObject({ kind: z.literal("sum"), property: z.string().min(1).max(200) }),
  z.strictObject({ kind: z.literal("avg"), property: z.string().min(1).max(200) }),
]);
export type EventMeasure = z.infer<typeof EventMeasure>;

export interface AndRule {
  type: "and";
  rules: SegmentRule[];
}
export interface OrRule {
  type: "or";
  rules: SegmentRule[];
}
export interface NotRule {
  type: "not";
  rule: SegmentRule;
}
/** A profile trait or computed stat (see the trait catalogue) compared with a value. */
export interface TraitRule {
  type: "trait";
  trait: string;
  op: TraitOp;
  value?: RuleValue;
}
/** How often (or how much) a customer did something in a window: "viewed Molly >= 3 times in 30 days". */
export interface EventRule {
  type: "event";
  event: string;
  where?: PropertyFilter[];
  measure: EventMeasure;
  op: CompareOp;
  value: number | [number, number];
  window: EventWindow;
}
/** The customer's first (or last) matching event falls in the window: "first order in the last 7 days". */
export interface OccurrenceRule {
  type: "occurrence";
  event: string;
  where?: PropertyFilter[];
  which: "first" | "last";
  window: EventWindow;
}
export interface TagRule {
  type: "tag";
  tagId: string;
}
export interface RfmRule {
  type: "rfm";
  /** Any of these cells (or layers). At least one of the two lists. */
  cells?: RfmCell[];
  layers?: RfmLayer[];
}
export interface LifecycleRule {
  type: "lifecycle";
  stages: LifecycleStage[];
}
export interface ValueTierRule {
  type: "value_tier";
  tiers: ValueTier[];
}
/** A predicted figure from the CLV model compared with a value. */
export interface ClvRule {
  type: "clv";
  metric: "expected_purchases_90d" | "expected_value_90d" | "expected_value_365d" | "p_alive";
  op: CompareOp;
  value: number | [number, number];
}
/** Members of another saved segment (evaluated with its current definition, not a stale copy). */
export interface SegmentRefRule {
  type: "segment";
  segmentId: string;
}
/** Registered at (registration_store trait) or bought at one of these stores. */
export interface StoreRule {
  type: "store";
  storeIds: string[];
  relation: "registered" | "purchased";
}
/** Has granted (or, with `granted: false`, has refused or never given) consent for a channel and purpose. */
export interface ConsentRule {
  type: "consent";
  channel: string;
  purpose: "marketing" | "service";
  granted: boolean;
}

export type SegmentRule =
  | AndRule
  | OrRule
  | NotRule
  | TraitRule
  | EventRule
  | OccurrenceRule
  | TagRule
  | RfmRule
  | LifecycleRule
  | ValueTierRule
  | ClvRule
  | SegmentRefRule
  | StoreRule
  | ConsentRule;

const Threshold = z.union([z.number(), z.tuple([z.number(), z.number()])]);

export const SegmentRule: z.ZodType<SegmentRule> = z.lazy(() =>
  z.discriminatedUnion("type", [
    z.strictObject({ type: z.literal("and"), rules: z.array(SegmentRule).max(100) }),
    z.strictObject({ type: z.literal("or"), rules: z.array(SegmentRule).max(100) }),
    z.strictObject({ type: z.literal("not"), rule: SegmentRule }),
    z.strictObject({ type: z.literal("trait"), trait: z.string().min(1).max(200), op: TraitOp, value: RuleValue.optional() }),
    z.strictObject({
      type: z.literal("event"),
      event: z.string().min(1).max(200),
      where: z.array(PropertyFilter).max(20).optional(),
      measure: EventMeasure,
      op: CompareOp,
      value: Threshold,
      window: EventWindow,
    }),
    z.strictObject({
      type: z.literal("occurrence"),
      event: z.string().min(1).max(200),
      where: z.array(PropertyFilter).max(20).optional(),
      which: z.enum(["first", "last"]),
      window: EventWindow,
    }),
    z.strictObject({ type: z.literal("tag"), tagId: Id }),
    z.strictObject({ type: z.literal("rfm"), cells: z.array(RfmCell).optional(), layers: z.array(RfmLayer).optional() }),
    z.strictObject({ type: z.literal("lifecycle"), stages: z.array(LifecycleStage).min(1) }),
    z.strictObject({ type: z.literal("value_tier"), tiers: z.array(ValueTier).min(1) }),
    z.strictObject({
      type: z.literal("clv"),
      metric: z.enum(["expected_purchases_90d", "expected_value_90d", "expected_value_365d", "p_alive"]),
      op: CompareOp,
      value: Threshold,
    }),
    z.strictObject({ type: z.literal("segment"), segmentId: Id }),
    z.strictObject({ type: z.literal("store"), storeIds: z.array(z.string().min(1).max(100)).min(1).max(500), relation: z.enum(["registered", "purchased"]) }),
    z.strictObject({ type: z.literal("consent"), channel: z.string().min(1).max(50), purpose: z.enum(["marketing", "service"]), granted: z.boolean() }),
  ]),
);

/** One trait a segment can test, with its type (which decides the operators that fit). */
export const TraitDefinitionDto = z.object({
  key: z.string(),
  type: TraitType,
  /** builtin: a column or stat every profile has; custom: found in profiles' free traits. */
  source: z.enum(["builtin", "custom"]),
  label: z.string(),
});
export type TraitDefinitionDto = z.infer<typeof TraitDefinitionDto>;

// ---------------------------------------------------------------------------------------------
// The segments API (under /api/v1/workspaces/:workspaceId). Customers in answers are masked
// (name, phone, email) unless the caller holds "customers.pii".

/** One problem in a rule tree: where (path from the rule's root, e.g. ["rules", 1, "op"]) and what. */
export const RuleProblemDto = z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() });
export type RuleProblemDto = z.infer<typeof RuleProblemDto>;
/** `details` of a 400 `segments.invalid_rule` answer. */
export const InvalidRuleDetailsDto = z.object({ problems: z.array(RuleProblemDto) });
export type InvalidRuleDetailsDto = z.infer<typeof InvalidRuleDetailsDto>;

export const SegmentSizePointDto = z.object({ at: IsoDateTime, size: z.number().int() });
export type SegmentSizePointDto = z.infer<typeof SegmentSizePointDto>;

export const SegmentSummaryDto = z.object({
  id: Id,
  name: z.string(),
  description: z.string().nullable(),
  /** Members at the last refresh (null before the first). */
  size: z.number().int().nullable(),
  lastRefreshedAt: IsoDateTime.nullable(),
  refreshEveryMinutes: z.number().int(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  /** The last 30 recorded sizes, oldest first. */
  sizeTrend: z.array(SegmentSizePointDto),
});
export type SegmentSummaryDto = z.infer<typeof SegmentSummaryDto>;
export const SegmentListDto = z.object({ items: z.array(SegmentSummaryDto) });
export type SegmentListDto = z.infer<typeof SegmentListDto>;

export const SegmentDto = SegmentSummaryDto.extend({ rule: SegmentRule });
export type SegmentDto = z.infer<typeof SegmentDto>;

export const RefreshEveryMinutes = z.number().int().min(5).max(7 * 24 * 60);

export const CreateSegmentBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).optional(),
  rule: SegmentRule,
  /** Defaults to the workspace's segment settings. */
  refreshEveryMinutes: RefreshEveryMinutes.optional(),
});
export type CreateSegmentBody = z.infer<typeof CreateSegmentBody>;

export const UpdateSegmentBody = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  description: z.string().max(2000).nullable().optional(),
  rule: SegmentRule.optional(),
  refreshEveryMinutes: RefreshEveryMinutes.optional(),
});
export type UpdateSegmentBody = z.infer<typeof UpdateSegmentBody>;

export const SegmentParams = z.strictObject({ workspaceId: Id, segmentId: Id });

export const PreviewSegmentBody = z.strictObject({
  rule: SegmentRule,
  sampleSize: z.number().int().min(0).max(50).default(10),
});
export type PreviewSegmentBody = z.input<typeof PreviewSegmentBody>;
export const SegmentPreviewDto = z.object({
  count: z.number().int(),
  /** Some matching customers (masked per role). */
  sample: z.array(ProfileSummaryDto),
  tookMs: z.number(),
});
export type SegmentPreviewDto = z.infer<typeof SegmentPreviewDto>;

export const SegmentRefreshDto = z.object({ size: z.number().int(), entered: z.number().int(), exited: z.number().int() });
export type SegmentRefreshDto = z.infer<typeof SegmentRefreshDto>;

export const SegmentMembersQuery = PageQuery;
export const SegmentMembersPageDto = pageOf(ProfileSummaryDto);
export type SegmentMembersPageDto = z.infer<typeof SegmentMembersPageDto>;

export const SegmentHistoryDto = z.object({
  items: z.array(z.object({ at: IsoDateTime, size: z.number().int(), entered: z.number().int(), exited: z.number().int() })),
});
export type SegmentHistoryDto = z.infer<typeof SegmentHistoryDto>;

export const CatalogueEventDto = z.object({ name: z.string(), count: z.number().int(), properties: z.array(z.string()) });
export type CatalogueEventDto = z.infer<typeof CatalogueEventDto>;
/** What a rule can test: traits with their types, and events with their property keys (most frequent first). */
export const SegmentCatalogueDto = z.object({ traits: z.array(TraitDefinitionDto), events: z.array(CatalogueEventDto) });
export type SegmentCatalogueDto = z.infer<typeof SegmentCatalogueDto>;

/** Per-workspace segment defaults, editable by the operator. */
export const SegmentSettingsDto = z.object({
  /** The refresh interval new segments get when none is given. */
  defaultRefreshEveryMinutes: z.number().int(),
  /** How far back the catalogue looks for events and their properties. */
  catalogueLookbackDays: z.number().int(),
  /** A preview re-reads customers from PostgreSQL when the warehouse's copy is older than this. */
  previewFreshnessSeconds: z.number().int(),
});
export type SegmentSettingsDto = z.infer<typeof SegmentSettingsDto>;
export const UpdateSegmentSettingsBody = z
  .strictObject({
    defaultRefreshEveryMinutes: RefreshEveryMinutes,
    catalogueLookbackDays: z.number().int().min(1).max(3650),
    previewFreshnessSeconds: z.number().int().min(0).max(86_400),
  })
  .partial();
export type UpdateSegmentSettingsBody = z.infer<typeof UpdateSegmentSettingsBody>;
