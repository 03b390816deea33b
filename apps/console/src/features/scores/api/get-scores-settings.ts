import { ScoresSettingsDto } from "@siyu/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest, encodePathSegment } from "../../../lib/api";
import { scoresKeys } from "./scores-keys";

export function getScoresSettings(workspaceId: string, signal?: AbortSignal): Promise<ScoresSettingsDto> {
  return apiRequest(`/workspaces/${encodePathSegment(workspaceId)}/scores/settings`, ScoresSettingsDto, { signal });
}

export function scoresSettingsQueryOptions(workspaceId: string) {
  return queryOptions({ queryKey: scoresKeys.settings(workspaceId), queryFn: ({ signal }) => getScoresSettings(workspaceId, signal) });
}

export function useScoresSettings(workspaceId: string) {
  return useQuery(scoresSettingsQueryOptions(workspaceId));
}
