import { defineErrors } from "../shared/domain-error";

export const storeErrors = defineErrors({
  "stores.not_found": 404,
  "stores.code_taken": 409,
});
