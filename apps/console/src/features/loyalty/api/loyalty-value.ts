import {
  CardProductDto,
  CardProductListDto,
  ExpiryForecastDto,
  LiabilityReportDto,
  MemberCardListDto,
  StoredValueBalanceDto,
  StoredValueHistoryDto,
  StoredValueResultDto,
  type CreateCardProductInput,
  type TopUpBody,
} from "@siyu/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiCommand, apiRequest, buildApiUrl, encodePathSegment } from "../../../lib/api";
import { loyaltyKeys } from "./loyalty-keys";

const ws = (workspaceId: string) => `/workspaces/${encodePathSegment(workspaceId)}`;
const customer = (workspaceId: string, profileId: string) => `${ws(workspaceId)}/customers/${encodePathSegment(profileId)}`;

export function useLiability(workspaceId: string, asOf: string | null) {
  return useQuery({
    queryKey: [...loyaltyKeys.all(workspaceId), "liability", asOf],
    queryFn: ({ signal }) => apiRequest(`${ws(workspaceId)}/loyalty/liability`, LiabilityReportDto, { signal, query: asOf ? { asOf } : {} }),
  });
}

/** The liability CSV, downloaded by the browser with the session cookie. */
export function liabilityCsvUrl(workspaceId: string, asOf: string | null): string {
  const url = buildApiUrl(`${ws(workspaceId)}/loyalty/liability/export.csv`);
  return asOf ? `${url}?asOf=${encodeURIComponent(asOf)}` : url;
}

export function useExpiryForecast(workspaceId: string) {
  return useQuery({
    queryKey: [...loyaltyKeys.all(workspaceId), "expiry-forecast"],
    queryFn: ({ signal }) => apiRequest(`${ws(workspaceId)}/loyalty/points-expiry-forecast`, ExpiryForecastDto, { signal }),
  });
}

const products = (workspaceId: string) => [...loyaltyKeys.all(workspaceId), "card-products"];

export function useCardProducts(workspaceId: string) {
  return useQuery({ queryKey: products(workspaceId), queryFn: ({ signal }) => apiRequest(`${ws(workspaceId)}/card-products`, CardProductListDto, { signal }) });
}

export function useCreateCardProduct(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateCardProductInput) => apiRequest(`${ws(workspaceId)}/card-products`, CardProductDto, { method: "POST", body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: products(workspaceId) }),
  });
}

export function useArchiveCardProduct(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (productId: string) => apiCommand(`${ws(workspaceId)}/card-products/${encodePathSegment(productId)}`, { method: "DELETE" }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: products(workspaceId) }),
  });
}

export function useCustomerStoredValue(workspaceId: string, profileId: string) {
  return useQuery({
    queryKey: [...loyaltyKeys.customer(workspaceId, profileId), "stored-value"],
    queryFn: ({ signal }) => apiRequest(`${customer(workspaceId, profileId)}/stored-value`, StoredValueBalanceDto, { signal }),
  });
}

export function useCustomerStoredValueHistory(workspaceId: string, profileId: string) {
  return useQuery({
    queryKey: [...loyaltyKeys.customer(workspaceId, profileId), "stored-value-history"],
    queryFn: ({ signal }) => apiRequest(`${customer(workspaceId, profileId)}/stored-value/transactions`, StoredValueHistoryDto, { signal }),
  });
}

export function useCustomerCards(workspaceId: string, profileId: string) {
  return useQuery({
    queryKey: [...loyaltyKeys.customer(workspaceId, profileId), "cards"],
    queryFn: ({ signal }) => apiRequest(`${customer(workspaceId, profileId)}/cards`, MemberCardListDto, { signal }),
  });
}

export function useTopUp(workspaceId: string, profileId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TopUpBody) => apiRequest(`${customer(workspaceId, profileId)}/stored-value/top-ups`, StoredValueResultDto, { method: "POST", body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: loyaltyKeys.customer(workspaceId, profileId) }),
  });
}

export function useRefundTopUp(workspaceId: string, profileId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { topupId: string; reason: string; idempotencyKey: string }) =>
      apiRequest(`${customer(workspaceId, profileId)}/stored-value/top-ups/${encodePathSegment(input.topupId)}/refund`, StoredValueResultDto, {
        method: "POST",
        body: { reason: input.reason, idempotencyKey: input.idempotencyKey },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: loyaltyKeys.customer(workspaceId, profileId) }),
  });
}
