import { LoyaltySettings, type PutLoyaltySettingsBody } from "@siyu/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiRequest, encodePathSegment } from "../../../lib/api";
import { loyaltyKeys } from "./loyalty-keys";

const path = (workspaceId: string) => `/workspaces/${encodePathSegment(workspaceId)}/loyalty/settings`;

export function useLoyaltySettings(workspaceId: string) {
  return useQuery({ queryKey: loyaltyKeys.settings(workspaceId), queryFn: ({ signal }) => apiRequest(path(workspaceId), LoyaltySettings, { signal }) });
}

export function usePutLoyaltySettings(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: PutLoyaltySettingsBody) => apiRequest(path(workspaceId), LoyaltySettings, { method: "PUT", body }),
    onSuccess: (data) => queryClient.setQueryData(loyaltyKeys.settings(workspaceId), data),
  });
}
