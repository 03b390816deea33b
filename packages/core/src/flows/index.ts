export { createWorkspaceWithOwner } from "./create-workspace.flow";
export { loadMe } from "./load-me.flow";
export { ingestMessages } from "./ingest-events.flow";
export type { IngestDeps, IngestOptions } from "./ingest-events.flow";
export { splitProfileMerge } from "./split-profile.flow";
