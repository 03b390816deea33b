export { createWorkspaceWithOwner } from "./create-workspace.flow";
export { loadMe } from "./load-me.flow";
