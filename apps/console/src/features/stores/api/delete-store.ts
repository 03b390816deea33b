import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiCommand, encodePathSegment } from "../../../lib/api";
import { storeKeys } from "./store-keys";

export function deleteStore(workspaceId: string, storeId: string): Promise<void> {
  return apiCommand(`/workspaces/${encodePathSegment(workspaceId)}/stores/${encodePathSegment(storeId)}`, {
    method: "DELETE",
  });
}

export function useDeleteStore(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (storeId: string) => deleteStore(workspaceId, storeId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: storeKeys.all(workspaceId) }),
  });
}
