export const clvKeys = {
  all: (workspaceId: string) => ["workspaces", workspaceId, "clv"] as const,
  model: (workspaceId: string) => [...clvKeys.all(workspaceId), "model"] as const,
  customer: (workspaceId: string, profileId: string) => [...clvKeys.all(workspaceId), "customer", profileId] as const,
};
