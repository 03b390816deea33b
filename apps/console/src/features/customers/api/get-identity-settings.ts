import { IdentitySettingsDto } from "@siyu/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest, encodePathSegment } from "../../../lib/api";
import { customerKeys } from "./customer-keys";

export function getIdentitySettings(workspaceId: string, signal?: AbortSignal): Promise<IdentitySettingsDto> {
  return apiRequest(`/workspaces/${encodePathSegment(workspaceId)}/identity/settings`, IdentitySettingsDto, { signal });
}

export function identitySettingsQueryOptions(workspaceId: string) {
  return queryOptions({
    queryKey: customerKeys.identitySettings(workspaceId),
    queryFn: ({ signal }) => getIdentitySettings(workspaceId, signal),
  });
}

export function useIdentitySettings(workspaceId: string) {
  return useQuery(identitySettingsQueryOptions(workspaceId));
}
