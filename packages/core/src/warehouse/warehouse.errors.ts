import { defineErrors } from "../shared/domain-error";

export const warehouseErrors = defineErrors({
  "warehouse.invalid_time_zone": 400,
  "warehouse.invalid_range": 400,
  /** Another loader moved the offset between this one's read and its commit: the batch was not written. */
  "warehouse.offset_moved": 409,
});
