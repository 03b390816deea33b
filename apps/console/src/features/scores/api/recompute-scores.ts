import { ScoresRunDto } from "@siyu/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest, encodePathSegment } from "../../../lib/api";
import { scoresKeys } from "./scores-keys";

export function recomputeScores(workspaceId: string): Promise<ScoresRunDto> {
  return apiRequest(`/workspaces/${encodePathSegment(workspaceId)}/scores/recompute`, ScoresRunDto, { method: "POST", body: {} });
}

export function useRecomputeScores(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => recomputeScores(workspaceId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: scoresKeys.all(workspaceId) }),
  });
}
