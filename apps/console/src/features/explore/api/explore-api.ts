import {
  EventsResultDto,
  FunnelDroppedPageDto,
  FunnelResultDto,
  PathsResultDto,
  RetentionResultDto,
  SavedDroppedSegmentDto,
  SavedReportDto,
  SavedReportListDto,
  type EventsQueryInput,
  type FunnelDroppedBodyInput,
  type FunnelQueryInput,
  type PathsQueryInput,
  type RetentionQueryInput,
  type SaveDroppedSegmentBodyInput,
} from "@siyu/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiCommand, apiRequest, encodePathSegment } from "../../../lib/api";

export type ExploreKind = "events" | "funnel" | "retention" | "paths";
export type ExploreQueryOf = { events: EventsQueryInput; funnel: FunnelQueryInput; retention: RetentionQueryInput; paths: PathsQueryInput };
export type ExploreResultOf = { events: EventsResultDto; funnel: FunnelResultDto; retention: RetentionResultDto; paths: PathsResultDto };

const ENDPOINT: Record<ExploreKind, string> = { events: "events", funnel: "funnels", retention: "retention", paths: "paths" };
const RESULT = { events: EventsResultDto, funnel: FunnelResultDto, retention: RetentionResultDto, paths: PathsResultDto };

const analyticsPath = (workspaceId: string) => `/workspaces/${encodePathSegment(workspaceId)}/analytics`;
export const exploreKeys = {
  all: (workspaceId: string) => ["workspaces", workspaceId, "analytics"] as const,
  run: (workspaceId: string, kind: ExploreKind, query: unknown) => [...exploreKeys.all(workspaceId), kind, JSON.stringify(query)] as const,
  reports: (workspaceId: string) => [...exploreKeys.all(workspaceId), "reports"] as const,
};

/** Runs a query once it is submitted (`query` null until then); the last answer stays while the next one loads. */
export function useExplore<K extends ExploreKind>(workspaceId: string, kind: K, query: ExploreQueryOf[K] | null) {
  return useQuery({
    queryKey: exploreKeys.run(workspaceId, kind, query),
    queryFn: ({ signal }) =>
      apiRequest(`${analyticsPath(workspaceId)}/${ENDPOINT[kind]}`, RESULT[kind], { method: "POST", body: query, signal }) as Promise<ExploreResultOf[K]>,
    enabled: query !== null,
    staleTime: 30_000,
    retry: false,
  });
}

export function fetchDropped(workspaceId: string, body: FunnelDroppedBodyInput): Promise<FunnelDroppedPageDto> {
  return apiRequest(`${analyticsPath(workspaceId)}/funnels/dropped`, FunnelDroppedPageDto, { method: "POST", body });
}

export function useSaveDroppedSegment(workspaceId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: SaveDroppedSegmentBodyInput) => apiRequest(`${analyticsPath(workspaceId)}/funnels/dropped/segment`, SavedDroppedSegmentDto, { method: "POST", body }),
    onSuccess: () => client.invalidateQueries({ queryKey: ["workspaces", workspaceId, "segments"] }),
  });
}

export function useSavedReports(workspaceId: string, kind: ExploreKind) {
  return useQuery({
    queryKey: [...exploreKeys.reports(workspaceId), kind],
    queryFn: ({ signal }) => apiRequest(`${analyticsPath(workspaceId)}/reports`, SavedReportListDto, { query: { kind }, signal }),
  });
}

export function useSaveReport(workspaceId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { kind: ExploreKind; name: string; query: object }) => apiRequest(`${analyticsPath(workspaceId)}/reports`, SavedReportDto, { method: "POST", body }),
    onSuccess: () => client.invalidateQueries({ queryKey: exploreKeys.reports(workspaceId) }),
  });
}

export function useDeleteReport(workspaceId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiCommand(`${analyticsPath(workspaceId)}/reports/${encodePathSegment(id)}`, { method: "DELETE" }),
    onSuccess: () => client.invalidateQueries({ queryKey: exploreKeys.reports(workspaceId) }),
  });
}
