export const apiKeyKeys = {
  list: (workspaceId: string) => ["workspaces", workspaceId, "api-keys"] as const,
};
