import { defineErrors } from "../shared/domain-error";

export const apiKeyErrors = defineErrors({
  "api_keys.not_found": 404,
});
