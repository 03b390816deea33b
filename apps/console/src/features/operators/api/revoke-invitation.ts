import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiCommand, encodePathSegment } from "../../../lib/api";
import { operatorKeys } from "./operator-keys";

export function revokeInvitation(workspaceId: string, invitationId: string): Promise<void> {
  return apiCommand(
    `/workspaces/${encodePathSegment(workspaceId)}/invitations/${encodePathSegment(invitationId)}`,
    { method: "DELETE" },
  );
}

export function useRevokeInvitation(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (invitationId: string) => revokeInvitation(workspaceId, invitationId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: operatorKeys.invitations(workspaceId) }),
  });
}
