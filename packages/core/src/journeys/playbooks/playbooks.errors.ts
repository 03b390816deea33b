import { defineErrors } from "../../shared/domain-error";

export const playbookErrors = defineErrors({
  "playbooks.not_found": 404,
  /** A template slot, the coupon template or the segment the playbook needs was not picked. */
  "playbooks.missing_pick": 422,
});
