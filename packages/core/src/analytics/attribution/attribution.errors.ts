import { defineErrors } from "../../shared/domain-error";

export const attributionErrors = defineErrors({
  /** The service runs without the event warehouse (a process that opened PostgreSQL only). */
  "attribution.warehouse_unavailable": 503,
});
