import { ApiKeyListDto } from "@siyu/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { z } from "zod";
import { apiRequest, encodePathSegment } from "../../../lib/api";
import { apiKeyKeys } from "./api-key-keys";

export type ApiKeyList = z.infer<typeof ApiKeyListDto>;

export function getApiKeys(workspaceId: string, signal?: AbortSignal): Promise<ApiKeyList> {
  return apiRequest(`/workspaces/${encodePathSegment(workspaceId)}/api-keys`, ApiKeyListDto, { signal });
}

export function apiKeysQueryOptions(workspaceId: string) {
  return queryOptions({
    queryKey: apiKeyKeys.list(workspaceId),
    queryFn: ({ signal }) => getApiKeys(workspaceId, signal),
  });
}

export function useApiKeys(workspaceId: string) {
  return useQuery(apiKeysQueryOptions(workspaceId));
}
