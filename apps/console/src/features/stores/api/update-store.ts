import { StoreDto, type UpdateStoreBody } from "@siyu/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest, encodePathSegment } from "../../../lib/api";
import { storeKeys } from "./store-keys";

export function updateStore(workspaceId: string, storeId: string, body: UpdateStoreBody): Promise<StoreDto> {
  return apiRequest(
    `/workspaces/${encodePathSegment(workspaceId)}/stores/${encodePathSegment(storeId)}`,
    StoreDto,
    { method: "PATCH", body },
  );
}

export function useUpdateStore(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { storeId: string; body: UpdateStoreBody }) => updateStore(workspaceId, input.storeId, input.body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: storeKeys.all(workspaceId) }),
  });
}
