import { defineErrors } from "../shared/domain-error";

export const scoresErrors = defineErrors({
  /** The server runs without the DuckDB warehouse, where scores are computed. */
  "scores.warehouse_unavailable": 503,
});
