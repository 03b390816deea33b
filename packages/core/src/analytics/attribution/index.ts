export { createAttributionService } from "./attribution.service";
export type { AttributionService, AttributionDeps } from "./attribution.service";
export { attributionErrors } from "./attribution.errors";
export { firstTouch, lastTouch, linear, shapley, markov } from "./attribution-models";
export { readJourneys, readJourneysInWarehouse, journeySql } from "./attribution.warehouse";
export type { JourneyQuery, JourneyData } from "./attribution.warehouse";
export type { JourneyGroup, Credits, ShapleyResult, MarkovResult } from "./attribution-models";
