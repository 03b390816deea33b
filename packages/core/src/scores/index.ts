export { createScoresService } from "./scores.service";
export type { ScoresService, RecomputeInput } from "./scores.service";
export { scoresErrors } from "./scores.errors";
export { profileScores, scoresRuns } from "./scores.schema";
export { computeWarehouseScores, scoresQuery } from "./scores.warehouse";
export type { ComputedScore, ComputeScoresInput } from "./scores.warehouse";
export { fmScoreOf, rfmCellOf, rfmLayerOf } from "./rfm-cells";
export { isDailyRunDue } from "./scores.settings";
