export const dashboardKeys = {
  all: (workspaceId: string) => ["workspaces", workspaceId, "analytics-kpi"] as const,
  dashboard: (workspaceId: string, query: { from: string; to: string; storeId?: string }) => [...dashboardKeys.all(workspaceId), "dashboard", query] as const,
  costs: (workspaceId: string) => [...dashboardKeys.all(workspaceId), "costs"] as const,
  roi: (workspaceId: string, query: { from: string; to: string; credit: string; lookbackDays: number }) => [...dashboardKeys.all(workspaceId), "roi", query] as const,
  weekly: (workspaceId: string, week: string | undefined) => [...dashboardKeys.all(workspaceId), "weekly", week ?? "last"] as const,
  stores: (workspaceId: string) => [...dashboardKeys.all(workspaceId), "stores"] as const,
};
