import { CustomerClvDto } from "@siyu/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest, encodePathSegment } from "../../../lib/api";
import { clvKeys } from "./clv-keys";

export function getCustomerClv(workspaceId: string, profileId: string, signal?: AbortSignal): Promise<CustomerClvDto> {
  return apiRequest(`/workspaces/${encodePathSegment(workspaceId)}/customers/${encodePathSegment(profileId)}/clv`, CustomerClvDto, { signal });
}

export function customerClvQueryOptions(workspaceId: string, profileId: string) {
  return queryOptions({
    queryKey: clvKeys.customer(workspaceId, profileId),
    queryFn: ({ signal }) => getCustomerClv(workspaceId, profileId, signal),
    // Predictions change once a day at most.
    staleTime: 5 * 60_000,
  });
}

export function useCustomerClv(workspaceId: string, profileId: string) {
  return useQuery(customerClvQueryOptions(workspaceId, profileId));
}
