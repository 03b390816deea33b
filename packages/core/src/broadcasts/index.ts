export { createBroadcastsService, runBroadcasts, type BroadcastsService, type BroadcastsDeps, type RunBroadcastsOptions } from "./broadcasts.service";
export { atLocalTime, nextOccurrence, occurrenceAt, throttledDueAt } from "./broadcast-schedule";
export { broadcastErrors } from "./broadcasts.errors";
export { broadcasts, broadcastRecipients } from "./broadcasts.schema";
