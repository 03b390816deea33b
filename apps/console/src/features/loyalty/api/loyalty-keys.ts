export const loyaltyKeys = {
  all: (workspaceId: string) => ["workspaces", workspaceId, "loyalty"] as const,
  settings: (workspaceId: string) => [...loyaltyKeys.all(workspaceId), "settings"] as const,
  templates: (workspaceId: string) => [...loyaltyKeys.all(workspaceId), "coupon-templates"] as const,
  customer: (workspaceId: string, profileId: string) => [...loyaltyKeys.all(workspaceId), "customer", profileId] as const,
};
