import { IdentitySettingsDto, type UpdateIdentitySettingsBody } from "@siyu/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest, encodePathSegment } from "../../../lib/api";
import { customerKeys } from "./customer-keys";

export function updateIdentitySettings(workspaceId: string, body: UpdateIdentitySettingsBody): Promise<IdentitySettingsDto> {
  return apiRequest(`/workspaces/${encodePathSegment(workspaceId)}/identity/settings`, IdentitySettingsDto, { method: "PATCH", body });
}

export function useUpdateIdentitySettings(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateIdentitySettingsBody) => updateIdentitySettings(workspaceId, body),
    onSuccess: (saved) => queryClient.setQueryData(customerKeys.identitySettings(workspaceId), saved),
  });
}
