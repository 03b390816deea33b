export * from "./test-database";
export { findSharedDatasets, datasetFile } from "./datasets";
