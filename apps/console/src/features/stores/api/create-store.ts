import { StoreDto, type CreateStoreBody } from "@siyu/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import { apiRequest, encodePathSegment } from "../../../lib/api";
import { storeKeys } from "./store-keys";

export type CreateStoreInput = z.input<typeof CreateStoreBody>;

export function createStore(workspaceId: string, body: CreateStoreInput): Promise<StoreDto> {
  return apiRequest(`/workspaces/${encodePathSegment(workspaceId)}/stores`, StoreDto, { method: "POST", body });
}

export function useCreateStore(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateStoreInput) => createStore(workspaceId, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: storeKeys.all(workspaceId) }),
  });
}
