import { StorePageDto } from "@siyu/contracts";
import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import type { z } from "zod";
import { apiRequest, encodePathSegment } from "../../../lib/api";
import { storeKeys, type StoreListParams } from "./store-keys";

export type StorePage = z.infer<typeof StorePageDto>;

export function getStores(workspaceId: string, params: StoreListParams, signal?: AbortSignal): Promise<StorePage> {
  return apiRequest(`/workspaces/${encodePathSegment(workspaceId)}/stores`, StorePageDto, { query: params, signal });
}

export function storesQueryOptions(workspaceId: string, params: StoreListParams) {
  return queryOptions({
    queryKey: storeKeys.list(workspaceId, params),
    queryFn: ({ signal }) => getStores(workspaceId, params, signal),
    placeholderData: keepPreviousData,
  });
}

export function useStores(workspaceId: string, params: StoreListParams) {
  return useQuery(storesQueryOptions(workspaceId, params));
}
