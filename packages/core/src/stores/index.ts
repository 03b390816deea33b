export { createStoresService } from "./stores.service";
export type { StoresService } from "./stores.service";
export { storeErrors } from "./stores.errors";
export { stores } from "./stores.schema";
