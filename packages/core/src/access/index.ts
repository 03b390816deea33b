export { createAccessService } from "./access.service";
export type { AccessService } from "./access.service";
export type { Membership, StoreIdCheck } from "./memberships.service";
export type { IssuedSession, SessionMeta, AuthenticatedSession, CreateOperatorInput } from "./operators.service";
export { AccessSettings, DEFAULT_ACCESS_SETTINGS } from "./access.settings";
export { accessErrors } from "./access.errors";
export { accessOperators, accessSessions, accessMemberships, accessInvitations } from "./access.schema";
