export { workspaceTimeZone } from "../workspaces";
