import { SegmentDto, SegmentListDto } from "@siyu/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "../../../lib/api";
import { segmentKeys, segmentPath, segmentsPath } from "./segment-keys";

export function getSegments(workspaceId: string, signal?: AbortSignal): Promise<SegmentListDto> {
  return apiRequest(segmentsPath(workspaceId), SegmentListDto, { signal });
}

export function useSegments(workspaceId: string) {
  return useQuery(queryOptions({ queryKey: segmentKeys.list(workspaceId), queryFn: ({ signal }) => getSegments(workspaceId, signal), staleTime: 0 }));
}

export function getSegment(workspaceId: string, segmentId: string, signal?: AbortSignal): Promise<SegmentDto> {
  return apiRequest(segmentPath(workspaceId, segmentId), SegmentDto, { signal });
}

export function useSegment(workspaceId: string, segmentId: string | undefined) {
  return useQuery({
    queryKey: segmentKeys.detail(workspaceId, segmentId ?? ""),
    queryFn: ({ signal }) => getSegment(workspaceId, segmentId!, signal),
    enabled: Boolean(segmentId),
    staleTime: 0,
  });
}
