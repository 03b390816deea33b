import { defineErrors } from "../shared/domain-error";

export const clvErrors = defineErrors({
  /** The service runs without the event warehouse (a process that opened PostgreSQL only). */
  "clv.warehouse_unavailable": 503,
  "clv.invalid_settings": 400,
});
