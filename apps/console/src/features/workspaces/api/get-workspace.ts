import { WorkspaceDto } from "@siyu/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest, encodePathSegment } from "../../../lib/api";
import { workspaceKeys } from "./workspace-keys";

export function getWorkspace(workspaceId: string, signal?: AbortSignal): Promise<WorkspaceDto> {
  return apiRequest(`/workspaces/${encodePathSegment(workspaceId)}`, WorkspaceDto, { signal });
}

export function workspaceQueryOptions(workspaceId: string) {
  return queryOptions({
    queryKey: workspaceKeys.detail(workspaceId),
    queryFn: ({ signal }) => getWorkspace(workspaceId, signal),
  });
}

export function useWorkspace(workspaceId: string) {
  return useQuery(workspaceQueryOptions(workspaceId));
}
