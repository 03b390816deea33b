import { WorkspaceOperatorDto, type UpdateMembershipBody } from "@siyu/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest, encodePathSegment } from "../../../lib/api";
import { meQueryKey } from "../../../lib/session";
import { operatorKeys } from "./operator-keys";

export function updateOperator(
  workspaceId: string,
  operatorId: string,
  body: UpdateMembershipBody,
): Promise<WorkspaceOperatorDto> {
  return apiRequest(
    `/workspaces/${encodePathSegment(workspaceId)}/operators/${encodePathSegment(operatorId)}`,
    WorkspaceOperatorDto,
    { method: "PATCH", body },
  );
}

export function useUpdateOperator(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { operatorId: string; body: UpdateMembershipBody }) =>
      updateOperator(workspaceId, input.operatorId, input.body),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: operatorKeys.members(workspaceId) });
      // The operator may have changed their own role; /me carries it.
      await queryClient.invalidateQueries({ queryKey: meQueryKey });
    },
  });
}
