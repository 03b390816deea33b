import { CouponListDto, CustomerTierDto, PointsBalanceDto, PointsHistoryDto, PointsOperationDto, type AdjustPointsBody } from "@siyu/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiRequest, encodePathSegment } from "../../../lib/api";
import { loyaltyKeys } from "./loyalty-keys";

function customerPath(workspaceId: string, profileId: string): string {
  return `/workspaces/${encodePathSegment(workspaceId)}/customers/${encodePathSegment(profileId)}`;
}

export function useCustomerPoints(workspaceId: string, profileId: string) {
  return useQuery({
    queryKey: [...loyaltyKeys.customer(workspaceId, profileId), "points"],
    queryFn: ({ signal }) => apiRequest(`${customerPath(workspaceId, profileId)}/points`, PointsBalanceDto, { signal }),
  });
}

export function useCustomerPointsHistory(workspaceId: string, profileId: string) {
  return useQuery({
    queryKey: [...loyaltyKeys.customer(workspaceId, profileId), "entries"],
    queryFn: ({ signal }) => apiRequest(`${customerPath(workspaceId, profileId)}/points/entries`, PointsHistoryDto, { signal, query: { limit: 20 } }),
  });
}

export function useCustomerCoupons(workspaceId: string, profileId: string) {
  return useQuery({
    queryKey: [...loyaltyKeys.customer(workspaceId, profileId), "coupons"],
    queryFn: ({ signal }) => apiRequest(`${customerPath(workspaceId, profileId)}/coupons`, CouponListDto, { signal }),
  });
}

export function useAdjustPoints(workspaceId: string, profileId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: AdjustPointsBody) => apiRequest(`${customerPath(workspaceId, profileId)}/points/adjustments`, PointsOperationDto, { method: "POST", body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: loyaltyKeys.customer(workspaceId, profileId) }),
  });
}

export function useCustomerTier(workspaceId: string, profileId: string) {
  return useQuery({
    queryKey: [...loyaltyKeys.customer(workspaceId, profileId), "tier"],
    queryFn: ({ signal }) => apiRequest(`${customerPath(workspaceId, profileId)}/tier`, CustomerTierDto, { signal }),
  });
}
