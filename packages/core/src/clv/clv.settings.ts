import { ClvSettingsDto } from "@siyu/contracts";
import { z } from "zod";

/**
 * Per-workspace CLV settings with their defaults. A workspace is fitted only with enough
 * customers and repeaters: with a few dozen the maximum-likelihood estimates run off to the edge
 * of the parameter space (a → 0, r and α → ∞) and predictions are noise.
 */
export const ClvSettings = z.object({
  unit: ClvSettingsDto.shape.unit.default("week"),
  minCustomers: ClvSettingsDto.shape.minCustomers.default(200),
  minRepeatCustomers: ClvSettingsDto.shape.minRepeatCustomers.default(50),
  windowLowerQuantile: ClvSettingsDto.shape.windowLowerQuantile.default(0.25),
  windowUpperQuantile: ClvSettingsDto.shape.windowUpperQuantile.default(0.75),
  excludeRefundedOrders: ClvSettingsDto.shape.excludeRefundedOrders.default(true),
});
export type ClvSettings = z.infer<typeof ClvSettings>;
export const DEFAULT_CLV_SETTINGS: ClvSettings = ClvSettings.parse({});
