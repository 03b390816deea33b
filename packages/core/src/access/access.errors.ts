import { defineErrors } from "../shared/domain-error";

export const accessErrors = defineErrors({
  "access.invalid_credentials": 401,
  "access.wrong_password": 400,
  "access.email_taken": 409,
  "access.operator_not_found": 404,
  "access.member_not_found": 404,
  "access.last_owner": 409,
  "access.owner_required": 403,
  "access.unknown_store": 400,
  "access.invitation_not_found": 404,
  "access.invitation_expired": 410,
  "access.already_member": 409,
});
