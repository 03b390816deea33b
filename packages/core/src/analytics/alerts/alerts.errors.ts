import { defineErrors } from "../../shared/domain-error";

export const alertErrors = defineErrors({
  "alerts.rule_not_found": 404,
  "alerts.event_not_found": 404,
  /** The service runs without the event warehouse (a process that opened PostgreSQL only). */
  "alerts.warehouse_unavailable": 503,
});
