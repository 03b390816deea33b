export { loadEventsIntoWarehouse, drainWarehouse, DEFAULT_WAREHOUSE_BATCH } from "./warehouse-loader";
export type { LoadEventsInput } from "./warehouse-loader";
export { refreshProfileSnapshot } from "./profile-snapshot";
export type { RefreshProfileSnapshotInput, ProfileSnapshotResult } from "./profile-snapshot";
export { countEvents, countEventsByName, eventsPerDay, deleteWorkspaceFromWarehouse } from "./warehouse.queries";
export type { EventRangeInput, EventsPerDayInput, DayCount } from "./warehouse.queries";
export { readWarehouseOffset, asWarehouseWriter, WAREHOUSE_EVENTS_OFFSET, WAREHOUSE_ANCHORS_OFFSET } from "./warehouse-offsets";
export { EVENT_COLUMNS, toEventRow } from "./event-row";
export { warehouseErrors } from "./warehouse.errors";
