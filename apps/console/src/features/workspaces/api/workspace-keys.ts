export const workspaceKeys = {
  detail: (workspaceId: string) => ["workspaces", workspaceId, "detail"] as const,
};
