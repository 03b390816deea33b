import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiCommand, encodePathSegment } from "../../../lib/api";
import { customerKeys } from "./customer-keys";

export function dismissIdentityConflict(workspaceId: string, aId: string, bId: string): Promise<void> {
  return apiCommand(
    `/workspaces/${encodePathSegment(workspaceId)}/identity/conflicts/${encodePathSegment(aId)}/${encodePathSegment(bId)}/dismiss`,
    { method: "POST", body: {} },
  );
}

export function useDismissIdentityConflict(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { aId: string; bId: string }) => dismissIdentityConflict(workspaceId, input.aId, input.bId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: customerKeys.conflicts(workspaceId) }),
  });
}
