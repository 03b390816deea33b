export const scoresKeys = {
  all: (workspaceId: string) => ["workspaces", workspaceId, "scores"] as const,
  settings: (workspaceId: string) => [...scoresKeys.all(workspaceId), "settings"] as const,
  rfm: (workspaceId: string) => [...scoresKeys.all(workspaceId), "rfm"] as const,
  lifecycle: (workspaceId: string) => [...scoresKeys.all(workspaceId), "lifecycle"] as const,
  valuePyramid: (workspaceId: string) => [...scoresKeys.all(workspaceId), "value-pyramid"] as const,
  customer: (workspaceId: string, profileId: string) => [...scoresKeys.all(workspaceId), "customer", profileId] as const,
};
