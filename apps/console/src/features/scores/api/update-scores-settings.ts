import { ScoresSettingsDto, type UpdateScoresSettingsBody } from "@siyu/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest, encodePathSegment } from "../../../lib/api";
import { scoresKeys } from "./scores-keys";

export function updateScoresSettings(workspaceId: string, body: UpdateScoresSettingsBody): Promise<ScoresSettingsDto> {
  return apiRequest(`/workspaces/${encodePathSegment(workspaceId)}/scores/settings`, ScoresSettingsDto, { method: "PUT", body });
}

export function useUpdateScoresSettings(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateScoresSettingsBody) => updateScoresSettings(workspaceId, body),
    onSuccess: (saved) => queryClient.setQueryData(scoresKeys.settings(workspaceId), saved),
  });
}
