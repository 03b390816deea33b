export { startSiyu } from "./start";
export type { StartOptions, RunningSiyu } from "./start";
export { composeSiyu, openStores } from "./compose";
export type { Siyu } from "./compose";
export { loadConfig, parseConfig, SiyuConfig, ConfigError } from "./config";
export { buildHttpServer } from "./http/build-http-server";
export { bootstrapEmptyStore } from "./bootstrap";
export { seedDemoWorkspace } from "./demo/seed-demo";
