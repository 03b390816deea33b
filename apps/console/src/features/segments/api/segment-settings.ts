import { SegmentSettingsDto, type UpdateSegmentSettingsBody } from "@siyu/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "../../../lib/api";
import { segmentKeys, segmentsPath } from "./segment-keys";

const settingsKey = (workspaceId: string) => [...segmentKeys.all(workspaceId), "settings"] as const;

export function useSegmentSettings(workspaceId: string, enabled: boolean) {
  return useQuery({
    queryKey: settingsKey(workspaceId),
    queryFn: ({ signal }) => apiRequest(`${segmentsPath(workspaceId)}/settings`, SegmentSettingsDto, { signal }),
    enabled,
  });
}

export function useUpdateSegmentSettings(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateSegmentSettingsBody) =>
      apiRequest(`${segmentsPath(workspaceId)}/settings`, SegmentSettingsDto, { method: "PATCH", body }),
    onSuccess: async (saved) => {
      queryClient.setQueryData(settingsKey(workspaceId), saved);
      // The catalogue's lookback may have changed.
      await queryClient.invalidateQueries({ queryKey: segmentKeys.catalogue(workspaceId) });
    },
  });
}
