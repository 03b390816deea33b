import type { StoreListQuery } from "@siyu/contracts";

export type StoreListParams = Partial<StoreListQuery>;

export const storeKeys = {
  all: (workspaceId: string) => ["workspaces", workspaceId, "stores"] as const,
  list: (workspaceId: string, params: StoreListParams) => [...storeKeys.all(workspaceId), "list", params] as const,
};
