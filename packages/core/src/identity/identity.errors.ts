import { defineErrors } from "../shared/domain-error";

export const identityErrors = defineErrors({
  "identity.merge_not_found": 404,
  "identity.already_split": 409,
  "identity.conflict_not_found": 404,
});
