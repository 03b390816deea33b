import { CreatedApiKeyDto, type CreateApiKeyBody } from "@siyu/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest, encodePathSegment } from "../../../lib/api";
import { apiKeyKeys } from "./api-key-keys";

export function createApiKey(workspaceId: string, body: CreateApiKeyBody): Promise<CreatedApiKeyDto> {
  return apiRequest(`/workspaces/${encodePathSegment(workspaceId)}/api-keys`, CreatedApiKeyDto, {
    method: "POST",
    body,
  });
}

export function useCreateApiKey(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateApiKeyBody) => createApiKey(workspaceId, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeyKeys.list(workspaceId) }),
  });
}
