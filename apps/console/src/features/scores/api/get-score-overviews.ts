import { CustomerScoresDto, LifecycleOverviewDto, RfmOverviewDto, ValuePyramidDto } from "@siyu/contracts";
import { useQuery } from "@tanstack/react-query";
import { apiRequest, encodePathSegment } from "../../../lib/api";
import { scoresKeys } from "./scores-keys";

const base = (workspaceId: string) => `/workspaces/${encodePathSegment(workspaceId)}`;

export function useRfmOverview(workspaceId: string) {
  return useQuery({
    queryKey: scoresKeys.rfm(workspaceId),
    queryFn: ({ signal }) => apiRequest(`${base(workspaceId)}/scores/rfm`, RfmOverviewDto, { signal }),
  });
}

export function useLifecycleOverview(workspaceId: string) {
  return useQuery({
    queryKey: scoresKeys.lifecycle(workspaceId),
    queryFn: ({ signal }) => apiRequest(`${base(workspaceId)}/scores/lifecycle`, LifecycleOverviewDto, { signal }),
  });
}

export function useValuePyramid(workspaceId: string) {
  return useQuery({
    queryKey: scoresKeys.valuePyramid(workspaceId),
    queryFn: ({ signal }) => apiRequest(`${base(workspaceId)}/scores/value-pyramid`, ValuePyramidDto, { signal }),
  });
}

export function useCustomerScores(workspaceId: string, profileId: string, enabled = true) {
  return useQuery({
    enabled,
    queryKey: scoresKeys.customer(workspaceId, profileId),
    queryFn: ({ signal }) =>
      apiRequest(`${base(workspaceId)}/customers/${encodePathSegment(profileId)}/scores`, CustomerScoresDto, { signal }),
  });
}
