import { AttributionReportDto, type AttributionQueryInput } from "@siyu/contracts";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { apiRequest, encodePathSegment } from "../../../lib/api";

export function runAttribution(workspaceId: string, query: AttributionQueryInput, signal?: AbortSignal): Promise<AttributionReportDto> {
  return apiRequest(`/workspaces/${encodePathSegment(workspaceId)}/analytics/attribution`, AttributionReportDto, { method: "POST", body: query, signal });
}

/** The report for a query; a changed query keeps showing the last report until the new one arrives. */
export function useAttribution(workspaceId: string, query: AttributionQueryInput | null) {
  return useQuery({
    enabled: query !== null,
    queryKey: ["workspaces", workspaceId, "attribution", query],
    queryFn: ({ signal }) => runAttribution(workspaceId, query!, signal),
    placeholderData: keepPreviousData,
  });
}
