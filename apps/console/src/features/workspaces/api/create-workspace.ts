import { WorkspaceDto, type CreateWorkspaceBody } from "@siyu/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "../../../lib/api";
import { meQueryKey } from "../../../lib/session";

/** The body as sent: defaults (time zone, currency) are the server's to apply. */
export type CreateWorkspaceInput = Pick<CreateWorkspaceBody, "name"> & Partial<CreateWorkspaceBody>;

export function createWorkspace(body: CreateWorkspaceInput): Promise<WorkspaceDto> {
  return apiRequest("/workspaces", WorkspaceDto, { method: "POST", body });
}

export function useCreateWorkspace() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createWorkspace,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: meQueryKey }),
  });
}
