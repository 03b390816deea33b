export type CustomerListFilters = { q?: string; hasOrders?: boolean };

export const customerKeys = {
  all: (workspaceId: string) => ["workspaces", workspaceId, "customers"] as const,
  list: (workspaceId: string, filters: CustomerListFilters) => [...customerKeys.all(workspaceId), "list", filters] as const,
  detail: (workspaceId: string, profileId: string) => [...customerKeys.all(workspaceId), "detail", profileId] as const,
  events: (workspaceId: string, profileId: string) => [...customerKeys.all(workspaceId), "events", profileId] as const,
  consents: (workspaceId: string, profileId: string) => [...customerKeys.all(workspaceId), "consents", profileId] as const,
  conflicts: (workspaceId: string) => ["workspaces", workspaceId, "identity-conflicts"] as const,
  identitySettings: (workspaceId: string) => ["workspaces", workspaceId, "identity-settings"] as const,
};
