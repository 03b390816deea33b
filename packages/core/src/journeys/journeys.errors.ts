import { defineErrors } from "../shared/domain-error";

export const journeyErrors = defineErrors({
  "journeys.not_found": 404,
  "journeys.task_not_found": 404,
  /** Publish refused: details are InvalidGraphDetailsDto, each problem naming its node. */
  "journeys.invalid_graph": 422,
  /** Only a journey that was never published can be deleted (archive the others). */
  "journeys.not_draft": 409,
  /** The status change does not apply (e.g. resume a journey that is not paused). */
  "journeys.wrong_status": 409,
  /** Entries through the API need a live journey whose trigger is `api`. */
  "journeys.not_api_triggered": 409,
  "journeys.not_live": 409,
  "journeys.unknown_profile": 422,
});
