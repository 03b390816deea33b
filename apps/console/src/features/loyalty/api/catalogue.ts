import {
  CatalogueItemDto,
  CatalogueItemListDto,
  LotteryCampaignDto,
  LotteryCampaignListDto,
  LotteryStatsDto,
  RedeemItemResultDto,
  RedemptionListDto,
  RedemptionOrderDto,
  type CancelRedemptionBody,
  type CatalogueItemInput,
  type FulfilRedemptionBody,
  type LotteryCampaignInput,
  type RedeemItemInput,
} from "@siyu/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiCommand, apiRequest, encodePathSegment } from "../../../lib/api";
import { loyaltyKeys } from "./loyalty-keys";

const ws = (workspaceId: string) => `/workspaces/${encodePathSegment(workspaceId)}`;
const catalogueKey = (workspaceId: string) => [...loyaltyKeys.all(workspaceId), "catalogue"] as const;
const lotteryKey = (workspaceId: string) => [...loyaltyKeys.all(workspaceId), "lottery"] as const;

/** Every mutation here changes stock, orders or balances: refresh the catalogue, lottery and customer views. */
function useInvalidate(workspaceId: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: loyaltyKeys.all(workspaceId) });
}

export function useCatalogueItems(workspaceId: string) {
  return useQuery({ queryKey: [...catalogueKey(workspaceId), "items"], queryFn: ({ signal }) => apiRequest(`${ws(workspaceId)}/catalogue/items`, CatalogueItemListDto, { signal }) });
}

export function useSaveCatalogueItem(workspaceId: string) {
  const onSuccess = useInvalidate(workspaceId);
  return useMutation({
    mutationFn: (input: { id: string | null; body: CatalogueItemInput }) =>
      input.id === null
        ? apiRequest(`${ws(workspaceId)}/catalogue/items`, CatalogueItemDto, { method: "POST", body: input.body })
        : apiRequest(`${ws(workspaceId)}/catalogue/items/${encodePathSegment(input.id)}`, CatalogueItemDto, { method: "PUT", body: input.body }),
    onSuccess,
  });
}

export function useArchiveCatalogueItem(workspaceId: string) {
  const onSuccess = useInvalidate(workspaceId);
  return useMutation({ mutationFn: (itemId: string) => apiCommand(`${ws(workspaceId)}/catalogue/items/${encodePathSegment(itemId)}`, { method: "DELETE" }), onSuccess });
}

export function useRedeemItem(workspaceId: string) {
  const onSuccess = useInvalidate(workspaceId);
  return useMutation({
    mutationFn: (input: { profileId: string; body: RedeemItemInput }) =>
      apiRequest(`${ws(workspaceId)}/customers/${encodePathSegment(input.profileId)}/catalogue-redemptions`, RedeemItemResultDto, { method: "POST", body: input.body }),
    onSuccess,
  });
}

export function useRedemptions(workspaceId: string, status: string | null) {
  const query = new URLSearchParams({ limit: "100", ...(status ? { status } : {}) });
  return useQuery({
    queryKey: [...catalogueKey(workspaceId), "redemptions", status],
    queryFn: ({ signal }) => apiRequest(`${ws(workspaceId)}/catalogue/redemptions?${query.toString()}`, RedemptionListDto, { signal }),
  });
}

export function useFulfilRedemption(workspaceId: string) {
  const onSuccess = useInvalidate(workspaceId);
  return useMutation({
    mutationFn: (input: { id: string; body: FulfilRedemptionBody }) =>
      apiRequest(`${ws(workspaceId)}/catalogue/redemptions/${encodePathSegment(input.id)}/fulfilment`, RedemptionOrderDto, { method: "POST", body: input.body }),
    onSuccess,
  });
}

export function useCancelRedemption(workspaceId: string) {
  const onSuccess = useInvalidate(workspaceId);
  return useMutation({
    mutationFn: (input: { id: string; body: CancelRedemptionBody }) =>
      apiRequest(`${ws(workspaceId)}/catalogue/redemptions/${encodePathSegment(input.id)}/cancellation`, RedemptionOrderDto, { method: "POST", body: input.body }),
    onSuccess,
  });
}

export function useLotteries(workspaceId: string) {
  return useQuery({ queryKey: [...lotteryKey(workspaceId), "list"], queryFn: ({ signal }) => apiRequest(`${ws(workspaceId)}/lotteries`, LotteryCampaignListDto, { signal }) });
}

export function useSaveLottery(workspaceId: string) {
  const onSuccess = useInvalidate(workspaceId);
  return useMutation({
    mutationFn: (input: { id: string | null; body: LotteryCampaignInput }) =>
      input.id === null
        ? apiRequest(`${ws(workspaceId)}/lotteries`, LotteryCampaignDto, { method: "POST", body: input.body })
        : apiRequest(`${ws(workspaceId)}/lotteries/${encodePathSegment(input.id)}`, LotteryCampaignDto, { method: "PUT", body: input.body }),
    onSuccess,
  });
}

export function useArchiveLottery(workspaceId: string) {
  const onSuccess = useInvalidate(workspaceId);
  return useMutation({ mutationFn: (id: string) => apiCommand(`${ws(workspaceId)}/lotteries/${encodePathSegment(id)}`, { method: "DELETE" }), onSuccess });
}

export function useLotteryStats(workspaceId: string, campaignId: string | null) {
  return useQuery({
    queryKey: [...lotteryKey(workspaceId), "stats", campaignId],
    enabled: campaignId !== null,
    queryFn: ({ signal }) => apiRequest(`${ws(workspaceId)}/lotteries/${encodePathSegment(campaignId!)}/stats`, LotteryStatsDto, { signal }),
  });
}
