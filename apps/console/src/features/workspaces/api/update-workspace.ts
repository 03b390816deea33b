import { WorkspaceDto, type UpdateWorkspaceBody } from "@siyu/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest, encodePathSegment } from "../../../lib/api";
import { meQueryKey } from "../../../lib/session";
import { workspaceKeys } from "./workspace-keys";

export function updateWorkspace(workspaceId: string, body: UpdateWorkspaceBody): Promise<WorkspaceDto> {
  return apiRequest(`/workspaces/${encodePathSegment(workspaceId)}`, WorkspaceDto, { method: "PATCH", body });
}

export function useUpdateWorkspace(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateWorkspaceBody) => updateWorkspace(workspaceId, body),
    onSuccess: async (workspace) => {
      queryClient.setQueryData(workspaceKeys.detail(workspaceId), workspace);
      // The header, the switcher and every time column read the workspace from /me.
      await queryClient.invalidateQueries({ queryKey: meQueryKey });
    },
  });
}
