export const operatorKeys = {
  members: (workspaceId: string) => ["workspaces", workspaceId, "operators"] as const,
  invitations: (workspaceId: string) => ["workspaces", workspaceId, "invitations"] as const,
  storeOptions: (workspaceId: string, q: string) => ["workspaces", workspaceId, "stores", "options", q] as const,
  roles: () => ["roles"] as const,
};
