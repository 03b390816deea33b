export * from "./test-database";
export { findSharedDatasets, datasetFile } from "./datasets";
export { recordingPlans } from "./query-plans";
