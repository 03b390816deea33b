export { createMemberTokensService } from "./member-tokens.service";
export type { MemberTokensService, AuthenticatedMember } from "./member-tokens.service";
export { memberTokenErrors } from "./member-tokens.errors";
export type { MemberTokenErrorCode } from "./member-tokens.errors";
export { memberTokenSecrets, memberTokens } from "./member-tokens.schema";
export { readMemberToken, signMemberToken, signatureHolds } from "./member-token-format";
export type { MemberTokenClaims } from "./member-token-format";
