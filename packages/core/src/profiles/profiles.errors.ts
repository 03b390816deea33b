import { defineErrors } from "../shared/domain-error";

export const profileErrors = defineErrors({
  "profiles.not_found": 404,
  "orders.not_found": 404,
});
