export { normaliseMessage } from "./normalise-message";
export type { NormalisedEvent, FieldError, NormaliseOptions } from "./normalise-message";
export { appendEvents, readEventsAfter, lastSeq, toLoggedEvent, EVENTS_PER_JSON_VALUE } from "./event-log.repository";
export type { LoggedEvent, RawEventRow } from "./event-log.repository";
export { consumeEventBatch, consumerPosition } from "./event-consumer";
export { EventReads, eventReadsOf, EVENT_READS_CAPACITY } from "./event-reads";
export type { EventHandler, ConsumeOptions } from "./event-consumer";
export { IngestSettings, DEFAULT_INGEST_SETTINGS } from "./events.settings";
export { eventsLog, eventsConsumerOffsets } from "./events.schema";
