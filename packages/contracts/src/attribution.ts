import { z } from "zod";
import { LocalDate } from "./common";

// Multi-touch attribution: which channels, campaigns, sources or touchpoint events earned the
// conversions of a period, by six models side by side. docs/modules/attribution.md defines them.

export const ATTRIBUTION_DIMENSIONS = ["channel", "campaign", "source", "touchpoint"] as const;
export const AttributionDimension = z.enum(ATTRIBUTION_DIMENSIONS);
export type AttributionDimension = z.infer<typeof AttributionDimension>;

export const ATTRIBUTION_MODELS = ["firstTouch", "lastTouch", "linear", "timeDecay", "shapley", "markov"] as const;
export type AttributionModel = (typeof ATTRIBUTION_MODELS)[number];

export const AttributionQuery = z
  .strictObject({
    /** First and last day of the conversions counted (inclusive), in the workspace's time zone. */
    from: LocalDate,
    to: LocalDate,
    conversionEvent: z.string().trim().min(1).max(200).default("Order Completed"),
    /**
     * What a touch is credited to: the marketing channel that carried it (context.channel, else
     * properties.channel; not the message's top-level `channel`, the sending platform), its campaign
     * (context.campaign.name, else properties.utm_campaign), its source (context.campaign.source, else
     * properties.utm_source), or the touchpoint event's name (only the events listed in touchpointEvents).
     */
    dimension: AttributionDimension.default("channel"),
    touchpointEvents: z.array(z.string().trim().min(1).max(200)).max(50).default([]),
    /** Touches up to this many days before a conversion count towards it. */
    lookbackDays: z.int().min(1).max(365).default(30),
    /** Time decay: a touch this many days before the conversion weighs half as much as one at the conversion. */
    halfLifeDays: z.number().positive().max(365).default(7),
    /** Only conversions at this store (the conversion event's store_id). */
    storeId: z.string().trim().min(1).max(200).optional(),
    shapley: z
      .strictObject({
        /** Up to this many channels Shapley values are exact (2^n coalitions); beyond, sampled. */
        maxExactChannels: z.int().min(1).max(20).default(12),
        permutations: z.int().min(100).max(200_000).default(10_000),
        /** Probability that every sampled credit is within the stated error bound. */
        confidence: z.number().min(0.5).max(0.9999).default(0.99),
        seed: z.int().min(0).max(2 ** 31 - 1).default(1),
      })
      .default({ maxExactChannels: 12, permutations: 10_000, confidence: 0.99, seed: 1 }),
  })
  .superRefine((q, ctx) => {
    if (q.to < q.from) ctx.addIssue({ code: "custom", path: ["to"], message: "must not be before from" });
    const days = (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000;
    if (days > 731) ctx.addIssue({ code: "custom", path: ["to"], message: "the period is at most 2 years" });
    if (q.dimension === "touchpoint" && q.touchpointEvents.length === 0) {
      ctx.addIssue({ code: "custom", path: ["touchpointEvents"], message: "list the touchpoint events when the dimension is touchpoint" });
    }
  });
export type AttributionQuery = z.infer<typeof AttributionQuery>;
export type AttributionQueryInput = z.input<typeof AttributionQuery>;

export const AttributionCreditDto = z.object({
  conversions: z.number(),
  /** Revenue credited, in the conversion events' currency units as sent (total, else revenue). */
  value: z.number(),
});
export type AttributionCreditDto = z.infer<typeof AttributionCreditDto>;

export const AttributionRowDto = z.object({
  key: z.string(),
  /** Touches in journeys that ended in a conversion. */
  touches: z.number(),
  firstTouch: AttributionCreditDto,
  lastTouch: AttributionCreditDto,
  linear: AttributionCreditDto,
  timeDecay: AttributionCreditDto,
  shapley: AttributionCreditDto,
  markov: AttributionCreditDto.extend({ removalEffect: z.number() }),
});
export type AttributionRowDto = z.infer<typeof AttributionRowDto>;

export const AttributionReportDto = z.object({
  query: z.object({
    from: LocalDate,
    to: LocalDate,
    conversionEvent: z.string(),
    dimension: AttributionDimension,
    lookbackDays: z.number(),
    halfLifeDays: z.number(),
    storeId: z.string().nullable(),
    timeZone: z.string(),
  }),
  totals: z.object({
    /** Every conversion event of the period (at the store, when one is chosen). */
    conversions: z.number(),
    value: z.number(),
    /** Conversions with at least one touch in the lookback window: what the models share out. */
    attributedConversions: z.number(),
    attributedValue: z.number(),
    /** Journeys: one per conversion with touches, plus one per customer whose touches led to none. */
    journeys: z.number(),
    convertedJourneys: z.number(),
  }),
  rows: z.array(AttributionRowDto),
  shapley: z.object({
    method: z.enum(["exact", "sampled"]),
    permutations: z.number().nullable(),
    /** Sampled: with probability `confidence`, every row's Shapley conversions are within this of the exact value. */
    errorBound: z.number(),
    confidence: z.number().nullable(),
    /** Conversion rate of the touched journeys: the worth of the coalition of every channel. */
    conversionRate: z.number(),
  }),
  markov: z.object({ conversionProbability: z.number() }),
  computedMs: z.number(),
});
export type AttributionReportDto = z.infer<typeof AttributionReportDto>;
