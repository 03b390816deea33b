export { defineWorkspaceSettings } from "./workspace-settings";
export type { SettingsProblem, WorkspaceSettings, WorkspaceSettingsDefinition } from "./workspace-settings";
export { workspaceSettings } from "./settings.schema";
