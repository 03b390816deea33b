import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiCommand, encodePathSegment } from "../../../lib/api";
import { operatorKeys } from "./operator-keys";

export function removeOperator(workspaceId: string, operatorId: string): Promise<void> {
  return apiCommand(`/workspaces/${encodePathSegment(workspaceId)}/operators/${encodePathSegment(operatorId)}`, {
    method: "DELETE",
  });
}

export function useRemoveOperator(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (operatorId: string) => removeOperator(workspaceId, operatorId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: operatorKeys.members(workspaceId) }),
  });
}
