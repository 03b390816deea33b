import { defineErrors } from "../shared/domain-error";

/**
 * Member tokens. 401: the member is not signed in (missing, malformed, forged, expired, revoked or
 * signed with a rotated secret) — the mini-program asks its back end for a new token; 403: the token
 * belongs to another workspace than the ingest key sent with it.
 */
export const memberTokenErrors = defineErrors({
  "member.token_missing": 401,
  "member.token_invalid": 401,
  "member.token_expired": 401,
  "member.token_revoked": 401,
  "member.wrong_workspace": 403,
  "member.invalid_identifier": 400,
  "member.unknown_identifier": 404,
  "member.token_not_found": 404,
});
export type MemberTokenErrorCode = keyof typeof memberTokenErrors.codes;
