import { ProfilePageDto } from "@siyu/contracts";
import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { apiRequest, encodePathSegment } from "../../../lib/api";
import { customerKeys, type CustomerListFilters } from "./customer-keys";

const PAGE_SIZE = 20;

export function getCustomers(
  workspaceId: string,
  params: CustomerListFilters & { cursor?: string; limit?: number },
  signal?: AbortSignal,
): Promise<ProfilePageDto> {
  return apiRequest(`/workspaces/${encodePathSegment(workspaceId)}/customers`, ProfilePageDto, { query: params, signal });
}

export function customersQueryOptions(workspaceId: string, filters: CustomerListFilters) {
  return infiniteQueryOptions({
    queryKey: customerKeys.list(workspaceId, filters),
    queryFn: ({ pageParam, signal }) => getCustomers(workspaceId, { ...filters, limit: PAGE_SIZE, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    // Events keep arriving from the apps; a list opened again should show who came in meanwhile.
    staleTime: 0,
  });
}

export function useCustomers(workspaceId: string, filters: CustomerListFilters) {
  return useInfiniteQuery(customersQueryOptions(workspaceId, filters));
}
