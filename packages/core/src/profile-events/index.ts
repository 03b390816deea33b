export { appendProfileEvents, readProfileEventsAfter, listProfileEventsOf } from "./profile-events.repository";
export type { NewProfileEvent, ProfileEvent, ProfileEventKind } from "./profile-events.repository";
export { profileEvents } from "./profile-events.schema";
