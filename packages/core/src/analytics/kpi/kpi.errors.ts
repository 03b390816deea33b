import { defineErrors } from "../../shared/domain-error";

export const kpiErrors = defineErrors({
  /** The server runs without the DuckDB warehouse, where the KPIs are computed. */
  "analytics.warehouse_unavailable": 503,
  "analytics.cost_not_found": 404,
  /** The store filter names a store the workspace does not have, or one outside a store manager's stores. */
  "analytics.store_not_found": 404,
  /** A store manager must pick one of their stores. */
  "analytics.store_required": 403,
  /** A week number the year does not have (e.g. 2026-W53). */
  "analytics.invalid_week": 400,
});
