import { z } from "zod";
import { Id, IsoDateTime } from "./common";

/** Customer lifetime value (BG/NBD + Gamma-Gamma), fitted per workspace. See docs/modules/clv.md. */

export const CLV_UNITS = ["week", "day"] as const;
export const ClvUnit = z.enum(CLV_UNITS);
export type ClvUnit = z.infer<typeof ClvUnit>;

/** Operator-editable defaults, one row per workspace. */
export const ClvSettingsDto = z.object({
  /** The time unit of the fit (parameters α, t_x and T are in it); predictions are the same either way. */
  unit: ClvUnit,
  /** Below this many customers with an order the workspace is not fitted. */
  minCustomers: z.number().int().min(2).max(10_000_000),
  /** Below this many customers with a repeat purchase the workspace is not fitted (both models learn from repeaters). */
  minRepeatCustomers: z.number().int().min(1).max(10_000_000),
  /** The next-purchase window: these quantiles of the wait until the next purchase, given the customer is alive. */
  windowLowerQuantile: z.number().gt(0).lt(1),
  windowUpperQuantile: z.number().gt(0).lt(1),
  /** Leave out orders that have an Order Refunded with the same order_id. */
  excludeRefundedOrders: z.boolean(),
});
export type ClvSettingsDto = z.infer<typeof ClvSettingsDto>;

export const UpdateClvSettingsBody = ClvSettingsDto.partial()
  .strict()
  .refine((b) => b.windowLowerQuantile === undefined || b.windowUpperQuantile === undefined || b.windowLowerQuantile < b.windowUpperQuantile, {
    message: "windowLowerQuantile must be below windowUpperQuantile",
    path: ["windowLowerQuantile"],
  });
export type UpdateClvSettingsBody = z.infer<typeof UpdateClvSettingsBody>;

export const CLV_MODEL_STATUSES = ["not_fitted", "fitted", "insufficient_data", "fit_failed"] as const;
export const ClvModelStatus = z.enum(CLV_MODEL_STATUSES);
export type ClvModelStatus = z.infer<typeof ClvModelStatus>;

export const BgNbdParamsDto = z.object({ r: z.number(), alpha: z.number(), a: z.number(), b: z.number(), logLikelihood: z.number() });
export const GammaGammaParamsDto = z.object({ p: z.number(), q: z.number(), gamma: z.number(), logLikelihood: z.number() });

export const ClvModelDto = z.object({
  workspaceId: Id,
  status: ClvModelStatus,
  /** Why the last refit did not fit, in words. */
  message: z.string().nullable(),
  unit: ClvUnit.nullable(),
  bgNbd: BgNbdParamsDto.nullable(),
  gammaGamma: GammaGammaParamsDto.nullable(),
  customers: z.number().int(),
  repeatCustomers: z.number().int(),
  /** Profiles with a prediction (rows in the warehouse's profile_clv). */
  scoredProfiles: z.number().int(),
  /** The last day of data the fit used (YYYY-MM-DD, the workspace's time zone). */
  calibrationEnd: z.string().nullable(),
  fittedAt: IsoDateTime.nullable(),
  settings: ClvSettingsDto,
});
export type ClvModelDto = z.infer<typeof ClvModelDto>;

export const ClvHorizonsDto = z.object({ d90: z.number(), d180: z.number(), d365: z.number() });

export const CustomerClvPredictionDto = z.object({
  /** The probability that the customer is still a customer (has not dropped out). */
  pAlive: z.number(),
  expectedPurchases: ClvHorizonsDto,
  /** Expected value per order (major units of the workspace currency); null when spend could not be modelled. */
  expectedOrderValue: z.number().nullable(),
  /** Expected purchases × expected order value, undiscounted. */
  expectedValue: ClvHorizonsDto.nullable(),
  /** The central window of the next purchase, given the customer is still active. */
  nextPurchaseFrom: IsoDateTime.nullable(),
  nextPurchaseTo: IsoDateTime.nullable(),
  computedAt: IsoDateTime,
});
export type CustomerClvPredictionDto = z.infer<typeof CustomerClvPredictionDto>;

export const CustomerClvDto = z.object({
  /** The live profile (a merged profile's id resolves to the one that absorbed it). */
  profileId: Id,
  modelStatus: ClvModelStatus,
  currency: z.string(),
  /** Null when the workspace has no fitted model or the customer has no order in it. */
  prediction: CustomerClvPredictionDto.nullable(),
});
export type CustomerClvDto = z.infer<typeof CustomerClvDto>;

export const ClvRefitResultDto = ClvModelDto;
