export { createProfilesService } from "./profiles.service";
export type { ProfilesService } from "./profiles.service";
export { profileErrors } from "./profiles.errors";
export { projectProfiles, PROFILE_PROJECTOR } from "./consumers/profile-projector.consumer";
export type { ProjectorDeps } from "./consumers/profile-projector.consumer";
export { parseOrderCompleted, parseOrderRefunded, ORDER_COMPLETED, ORDER_REFUNDED } from "./order-events";
export { toMinorUnits, minorUnitsPer } from "./money";
export { profiles, profileActivity, profileEventCounts, profileTraits, profileEventAnchors, orders } from "./profiles.schema";
export { liveProfileRoots, liveProfilesQueries, profilesMergedInto, resolveLiveProfiles } from "./profiles.repository";
