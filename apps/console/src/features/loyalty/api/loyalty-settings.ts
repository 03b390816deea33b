import { z } from "zod";
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

/** Judges every member's tier now (audited); the answer counts the members whose level changed. */
export function useRecalculateTiers(workspaceId: string) {
  return useMutation({
    mutationFn: () =>
      apiRequest(`/workspaces/${encodePathSegment(workspaceId)}/loyalty/tiers/recalculation`, z.object({ changed: z.number() }), { method: "POST", body: {} }),
  });
}
