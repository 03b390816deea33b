import { ProfileDto } from "@siyu/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest, encodePathSegment } from "../../../lib/api";
import { customerKeys } from "./customer-keys";

/** A merged profile's old id answers with the profile that absorbed it: compare `id` with what was asked. */
export function getCustomer(workspaceId: string, profileId: string, signal?: AbortSignal): Promise<ProfileDto> {
  return apiRequest(
    `/workspaces/${encodePathSegment(workspaceId)}/customers/${encodePathSegment(profileId)}`,
    ProfileDto,
    { signal },
  );
}

export function customerQueryOptions(workspaceId: string, profileId: string) {
  return queryOptions({
    queryKey: customerKeys.detail(workspaceId, profileId),
    queryFn: ({ signal }) => getCustomer(workspaceId, profileId, signal),
    staleTime: 0,
  });
}

export function useCustomer(workspaceId: string, profileId: string) {
  return useQuery(customerQueryOptions(workspaceId, profileId));
}
