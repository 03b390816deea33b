export { createWorkspacesService } from "./workspaces.service";
export type { WorkspacesService, CreateWorkspaceInput } from "./workspaces.service";
export { workspaceErrors } from "./workspaces.errors";
export { workspaces } from "./workspaces.schema";
export { workspaceTimeZone, DEFAULT_TIME_ZONE } from "./workspace-time-zone";
