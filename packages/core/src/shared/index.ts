export { newId, isUuid } from "./ids";
export { systemClock, fixedClock } from "./clock";
export type { Clock } from "./clock";
export { DomainError, defineErrors, isUniqueViolation } from "./domain-error";
export { SYSTEM_ACTOR, systemContext } from "./context";
export type { Actor, WorkspaceContext } from "./context";
export { randomToken, hashToken, sameHash } from "./secrets";
export { decodeCursor, pageResult } from "./paging";
