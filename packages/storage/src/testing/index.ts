export * from "./test-database";
export { findSharedDatasets, datasetFile } from "./datasets";
export { planOf, recordingPlans, type RecordedPlan } from "./query-plans";
