import { integer, jsonb, pgTable, text, timestamp, uuid } from "@siyu/storage/pg-core";

/**
 * The latest CLV fit of each workspace: its status, the fitted BG/NBD and Gamma-Gamma parameters
 * and what they were fitted on. The per-customer predictions live in the warehouse (profile_clv).
 */
export const clvModels = pgTable("clv_models", {
  workspaceId: uuid("workspace_id").primaryKey(),
  /** fitted | insufficient_data | fit_failed */
  status: text("status").notNull(),
  message: text("message"),
  unit: text("unit").notNull(),
  /** { r, alpha, a, b, logLikelihood, standardErrors? } */
  bgNbd: jsonb("bg_nbd").$type<Record<string, unknown>>(),
  /** { p, q, gamma, logLikelihood, standardErrors? } */
  gammaGamma: jsonb("gamma_gamma").$type<Record<string, unknown>>(),
  customers: integer("customers").notNull(),
  repeatCustomers: integer("repeat_customers").notNull(),
  scoredProfiles: integer("scored_profiles").notNull(),
  /** YYYY-MM-DD in the workspace's time zone. */
  calibrationEnd: text("calibration_end"),
  fittedAt: timestamp("fitted_at", { withTimezone: true }).notNull(),
});
