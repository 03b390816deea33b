import { ClvSettingsDto } from "@siyu/contracts";
import { z } from "zod";
import { defineWorkspaceSettings } from "../settings";
import { clvErrors } from "./clv.errors";

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

/** The workspace's CLV settings, kept in workspace_settings under "clv". */
export const clvSettingsStore = defineWorkspaceSettings({
  module: "clv",
  schema: ClvSettings,
  defaults: DEFAULT_CLV_SETTINGS,
  audit: { action: "clv.settings_updated", targetType: "clv_settings", summary: "Changed customer lifetime value settings" },
  check: (s) =>
    s.windowLowerQuantile >= s.windowUpperQuantile ? [{ field: "windowLowerQuantile", message: "windowLowerQuantile must be below windowUpperQuantile" }] : [],
  invalid: (problem) => clvErrors.error("clv.invalid_settings", problem.message, { path: [problem.field] }),
});
