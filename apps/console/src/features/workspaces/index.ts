export { CreateWorkspaceModal } from "./components/create-workspace-modal";
export { NoWorkspacePage } from "./components/no-workspace-page";
export { WorkspaceSettingsPage } from "./components/workspace-settings-page";
