export { CurrentWorkspaceProvider, useCurrentWorkspace, type CurrentWorkspace } from "./current-workspace";
export { getMe, meQueryKey, meQueryOptions, useMe } from "./me-query";
export {
  WORKSPACE_STORAGE_KEY,
  findMembership,
  pickDefaultWorkspaceId,
  readRememberedWorkspaceId,
  rememberWorkspaceId,
  switchWorkspacePath,
} from "./workspace-choice";
