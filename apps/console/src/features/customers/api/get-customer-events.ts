import { TimelineDto } from "@siyu/contracts";
import { infiniteQueryOptions, useInfiniteQuery } from "@tanstack/react-query";
import { apiRequest, encodePathSegment } from "../../../lib/api";
import { customerKeys } from "./customer-keys";

const PAGE_SIZE = 20;

export function getCustomerEvents(
  workspaceId: string,
  profileId: string,
  params: { limit?: number; before?: number },
  signal?: AbortSignal,
): Promise<TimelineDto> {
  return apiRequest(
    `/workspaces/${encodePathSegment(workspaceId)}/customers/${encodePathSegment(profileId)}/events`,
    TimelineDto,
    { query: params, signal },
  );
}

/** Newest first; each page continues before the oldest seq seen so far. */
export function customerEventsQueryOptions(workspaceId: string, profileId: string) {
  return infiniteQueryOptions({
    queryKey: customerKeys.events(workspaceId, profileId),
    queryFn: ({ pageParam, signal }) => getCustomerEvents(workspaceId, profileId, { limit: PAGE_SIZE, before: pageParam }, signal),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
    staleTime: 0,
  });
}

export function useCustomerEvents(workspaceId: string, profileId: string, enabled = true) {
  return useInfiniteQuery({ ...customerEventsQueryOptions(workspaceId, profileId), enabled });
}
