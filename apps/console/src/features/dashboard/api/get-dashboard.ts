import { AcquisitionCostDto, AcquisitionCostListDto, CampaignRoiDto, DashboardDto, StorePageDto, WeeklyReportDto, type AcquisitionCostBody, type RoiCredit } from "@siyu/contracts";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiCommand, apiRequest, buildApiUrl, encodePathSegment } from "../../../lib/api";
import { dashboardKeys } from "./dashboard-keys";

const base = (workspaceId: string) => `/workspaces/${encodePathSegment(workspaceId)}/analytics`;

export function useDashboard(workspaceId: string, query: { from: string; to: string; storeId?: string }) {
  return useQuery({
    queryKey: dashboardKeys.dashboard(workspaceId, query),
    queryFn: ({ signal }) => apiRequest(`${base(workspaceId)}/dashboard`, DashboardDto, { query, signal }),
    placeholderData: keepPreviousData,
  });
}

export function useCampaignRoi(workspaceId: string, query: { from: string; to: string; credit: RoiCredit; lookbackDays: number }) {
  return useQuery({
    queryKey: dashboardKeys.roi(workspaceId, query),
    queryFn: ({ signal }) => apiRequest(`${base(workspaceId)}/campaigns/roi`, CampaignRoiDto, { query, signal }),
    placeholderData: keepPreviousData,
  });
}

export function useWeeklyReport(workspaceId: string, week: string | undefined) {
  return useQuery({
    queryKey: dashboardKeys.weekly(workspaceId, week),
    queryFn: ({ signal }) => apiRequest(`${base(workspaceId)}/reports/weekly`, WeeklyReportDto, { query: { week }, signal }),
  });
}

/** The server's CSV of the weekly review (a link the browser downloads). */
export function weeklyReportCsvUrl(workspaceId: string, week: string): string {
  return buildApiUrl(`${base(workspaceId)}/reports/weekly`, { week, format: "csv" });
}

export function useCosts(workspaceId: string) {
  return useQuery({ queryKey: dashboardKeys.costs(workspaceId), queryFn: ({ signal }) => apiRequest(`${base(workspaceId)}/costs`, AcquisitionCostListDto, { signal }) });
}

export function useSaveCost(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { id?: string; body: AcquisitionCostBody }) =>
      input.id
        ? apiRequest(`${base(workspaceId)}/costs/${encodePathSegment(input.id)}`, AcquisitionCostDto, { method: "PUT", body: input.body })
        : apiRequest(`${base(workspaceId)}/costs`, AcquisitionCostDto, { method: "POST", body: input.body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: dashboardKeys.all(workspaceId) }),
  });
}

export function useDeleteCost(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (costId: string) => apiCommand(`${base(workspaceId)}/costs/${encodePathSegment(costId)}`, { method: "DELETE" }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: dashboardKeys.all(workspaceId) }),
  });
}

/** The stores the operator may filter on (the server shows a store manager only theirs). */
export function useStoreOptions(workspaceId: string) {
  return useQuery({
    queryKey: dashboardKeys.stores(workspaceId),
    queryFn: ({ signal }) => apiRequest(`/workspaces/${encodePathSegment(workspaceId)}/stores`, StorePageDto, { query: { limit: 200 }, signal }),
    staleTime: 60_000,
  });
}
