import { ConflictListDto } from "@siyu/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest, encodePathSegment } from "../../../lib/api";
import { customerKeys } from "./customer-keys";

export type IdentityConflict = ConflictListDto["items"][number];

export function getIdentityConflicts(workspaceId: string, signal?: AbortSignal): Promise<ConflictListDto> {
  return apiRequest(`/workspaces/${encodePathSegment(workspaceId)}/identity/conflicts`, ConflictListDto, { signal });
}

export function identityConflictsQueryOptions(workspaceId: string) {
  return queryOptions({
    queryKey: customerKeys.conflicts(workspaceId),
    queryFn: ({ signal }) => getIdentityConflicts(workspaceId, signal),
    staleTime: 0,
  });
}

export function useIdentityConflicts(workspaceId: string) {
  return useQuery(identityConflictsQueryOptions(workspaceId));
}
