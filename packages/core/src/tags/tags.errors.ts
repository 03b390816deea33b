import { defineErrors } from "../shared/domain-error";

export const tagErrors = defineErrors({
  "tags.not_found": 404,
  "tags.group_not_found": 404,
  "tags.name_taken": 409,
  "tags.group_name_taken": 409,
  "tags.group_not_empty": 409,
  "tags.invalid_definition": 400,
  "tags.not_manual": 409,
  "tags.not_computed": 409,
  "tags.invalid_csv": 400,
  "tags.rule_engine_unavailable": 503,
  "tags.warehouse_unavailable": 503,
});
