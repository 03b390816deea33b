import { defineErrors } from "../../shared/domain-error";

export const exploreErrors = defineErrors({
  "analytics.report_not_found": 404,
  "analytics.invalid_report_query": 400,
  "analytics.too_many_customers": 409,
  "analytics.warehouse_unavailable": 503,
});
