import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiCommand, encodePathSegment } from "../../../lib/api";
import { apiKeyKeys } from "./api-key-keys";

export function revokeApiKey(workspaceId: string, apiKeyId: string): Promise<void> {
  return apiCommand(`/workspaces/${encodePathSegment(workspaceId)}/api-keys/${encodePathSegment(apiKeyId)}`, {
    method: "DELETE",
  });
}

export function useRevokeApiKey(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (apiKeyId: string) => revokeApiKey(workspaceId, apiKeyId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeyKeys.list(workspaceId) }),
  });
}
