export { createApiKeysService } from "./api-keys.service";
export type { ApiKeysService, AuthenticatedApiKey } from "./api-keys.service";
export { apiKeyErrors } from "./api-keys.errors";
export { apiKeys } from "./api-keys.schema";
