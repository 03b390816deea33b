import { defineErrors } from "../shared/domain-error";

export const workspaceErrors = defineErrors({
  "workspaces.not_found": 404,
  "workspaces.slug_taken": 409,
});
