import { StorePageDto } from "@siyu/contracts";
import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import type { z } from "zod";
import { apiRequest, encodePathSegment } from "../../../lib/api";
import { operatorKeys } from "./operator-keys";

export type StoreOptionsPage = z.infer<typeof StorePageDto>;

/** Stores to assign to a store manager: the first 200 matching the typed text. */
export function getStoreOptions(workspaceId: string, q: string, signal?: AbortSignal): Promise<StoreOptionsPage> {
  return apiRequest(`/workspaces/${encodePathSegment(workspaceId)}/stores`, StorePageDto, {
    query: { limit: 200, q },
    signal,
  });
}

export function storeOptionsQueryOptions(workspaceId: string, q: string) {
  return queryOptions({
    queryKey: operatorKeys.storeOptions(workspaceId, q),
    queryFn: ({ signal }) => getStoreOptions(workspaceId, q, signal),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

export function useStoreOptions(workspaceId: string, q: string) {
  return useQuery(storeOptionsQueryOptions(workspaceId, q));
}
