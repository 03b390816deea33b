import { defineErrors } from "../shared/domain-error";

export const segmentErrors = defineErrors({
  "segments.invalid_rule": 400,
  "segments.not_found": 404,
  "segments.in_use": 409,
  "segments.warehouse_unavailable": 503,
});
