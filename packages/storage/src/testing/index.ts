export * from "./test-database";
export { findSharedDatasets, datasetFile } from "./datasets";
export { recordingPlans, type RecordedPlan } from "./query-plans";
