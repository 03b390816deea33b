export * from "./common";
export * from "./roles";
export * from "./auth";
export * from "./workspaces";
export * from "./stores";
export * from "./operators";
export * from "./api-keys";
export * from "./audit";
