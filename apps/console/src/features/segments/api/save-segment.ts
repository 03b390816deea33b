import { SegmentDto, SegmentRefreshDto, type CreateSegmentBody, type UpdateSegmentBody } from "@siyu/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiCommand, apiRequest } from "../../../lib/api";
import { segmentKeys, segmentPath, segmentsPath } from "./segment-keys";

export function createSegment(workspaceId: string, body: CreateSegmentBody): Promise<SegmentDto> {
  return apiRequest(segmentsPath(workspaceId), SegmentDto, { method: "POST", body });
}

export function updateSegment(workspaceId: string, segmentId: string, body: UpdateSegmentBody): Promise<SegmentDto> {
  return apiRequest(segmentPath(workspaceId, segmentId), SegmentDto, { method: "PATCH", body });
}

/** Creates the segment, or updates it when an id is given. */
export function useSaveSegment(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { segmentId?: string; body: CreateSegmentBody }) =>
      input.segmentId ? updateSegment(workspaceId, input.segmentId, input.body) : createSegment(workspaceId, input.body),
    onSuccess: async (saved) => {
      queryClient.setQueryData(segmentKeys.detail(workspaceId, saved.id), saved);
      await queryClient.invalidateQueries({ queryKey: segmentKeys.all(workspaceId) });
    },
  });
}

export function useDeleteSegment(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (segmentId: string) => apiCommand(segmentPath(workspaceId, segmentId), { method: "DELETE" }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: segmentKeys.all(workspaceId) }),
  });
}

export function useRefreshSegment(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (segmentId: string): Promise<SegmentRefreshDto> =>
      apiRequest(`${segmentPath(workspaceId, segmentId)}/refresh`, SegmentRefreshDto, { method: "POST", body: {} }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: segmentKeys.all(workspaceId) }),
  });
}
