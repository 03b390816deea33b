import { z } from "zod";
import {
  CouponTemplateListDto,
  GraphProblemDto,
  JourneyDto,
  JourneyListDto,
  JourneyReportDto,
  JourneyRunDto,
  PlaybookListDto,
  SegmentListDto,
  TagListDto,
  TemplateListDto,
  type JourneyInput,
} from "@siyu/contracts";
import { useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiCommand, apiRequest, encodePathSegment } from "../../../lib/api";

const ws = (workspaceId: string) => `/workspaces/${encodePathSegment(workspaceId)}`;
const base = (workspaceId: string) => `${ws(workspaceId)}/journeys`;
const one = (workspaceId: string, journeyId: string) => `${base(workspaceId)}/${encodePathSegment(journeyId)}`;

/** How often a live journey's counts are refreshed on the canvas and in the list. */
export const REPORT_REFRESH_MS = 3000;

export const journeyKeys = {
  all: (workspaceId: string) => ["workspaces", workspaceId, "journeys"] as const,
  list: (workspaceId: string) => [...journeyKeys.all(workspaceId), "list"] as const,
  detail: (workspaceId: string, journeyId: string) => [...journeyKeys.all(workspaceId), "detail", journeyId] as const,
  report: (workspaceId: string, journeyId: string) => [...journeyKeys.all(workspaceId), "report", journeyId] as const,
  runs: (workspaceId: string, journeyId: string) => [...journeyKeys.all(workspaceId), "runs", journeyId] as const,
  playbooks: (workspaceId: string) => [...journeyKeys.all(workspaceId), "playbooks"] as const,
  choices: (workspaceId: string, what: string) => [...journeyKeys.all(workspaceId), "choices", what] as const,
};

export function useJourneys(workspaceId: string) {
  return useQuery({ queryKey: journeyKeys.list(workspaceId), queryFn: ({ signal }) => apiRequest(base(workspaceId), JourneyListDto, { signal }) });
}

export function useJourney(workspaceId: string, journeyId: string) {
  return useQuery({ queryKey: journeyKeys.detail(workspaceId, journeyId), queryFn: ({ signal }) => apiRequest(one(workspaceId, journeyId), JourneyDto, { signal }) });
}

/** A journey's counts; refreshed every few seconds while `live` so the canvas numbers move. */
export function useJourneyReport(workspaceId: string, journeyId: string, options: { enabled: boolean; live: boolean }) {
  return useQuery({
    queryKey: journeyKeys.report(workspaceId, journeyId),
    queryFn: ({ signal }) => apiRequest(`${one(workspaceId, journeyId)}/report`, JourneyReportDto, { signal }),
    enabled: options.enabled,
    refetchInterval: options.live ? REPORT_REFRESH_MS : false,
    retry: false,
  });
}

/** The reports of the listed journeys that have ever gone live (for the list's counts). */
export function useJourneyReports(workspaceId: string, journeys: readonly { id: string; liveVersion: number | null; status: string }[]) {
  return useQueries({
    queries: journeys.map((j) => ({
      queryKey: journeyKeys.report(workspaceId, j.id),
      queryFn: ({ signal }: { signal: AbortSignal }) => apiRequest(`${one(workspaceId, j.id)}/report`, JourneyReportDto, { signal }),
      enabled: j.liveVersion !== null,
      refetchInterval: j.status === "live" ? REPORT_REFRESH_MS * 5 : (false as const),
      retry: false,
    })),
  });
}

export function useJourneyRuns(workspaceId: string, journeyId: string, enabled: boolean) {
  return useQuery({
    queryKey: journeyKeys.runs(workspaceId, journeyId),
    queryFn: ({ signal }) => apiRequest(`${one(workspaceId, journeyId)}/runs`, z.object({ items: z.array(JourneyRunDto) }), { signal }),
    enabled,
  });
}

export function usePlaybooks(workspaceId: string) {
  return useQuery({ queryKey: journeyKeys.playbooks(workspaceId), queryFn: ({ signal }) => apiRequest(`${ws(workspaceId)}/journey-playbooks`, PlaybookListDto, { signal }), staleTime: 5 * 60_000 });
}

function useInvalidateJourneys(workspaceId: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: journeyKeys.all(workspaceId) });
}

export function useCreateJourney(workspaceId: string) {
  const invalidate = useInvalidateJourneys(workspaceId);
  return useMutation({ mutationFn: (body: JourneyInput) => apiRequest(base(workspaceId), JourneyDto, { method: "POST", body }), onSuccess: invalidate });
}

export function useSaveJourney(workspaceId: string, journeyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: JourneyInput) => apiRequest(one(workspaceId, journeyId), JourneyDto, { method: "PUT", body }),
    onSuccess: (journey) => {
      queryClient.setQueryData(journeyKeys.detail(workspaceId, journeyId), journey);
      void queryClient.invalidateQueries({ queryKey: journeyKeys.list(workspaceId) });
    },
  });
}

export function useDeleteJourney(workspaceId: string) {
  const invalidate = useInvalidateJourneys(workspaceId);
  return useMutation({ mutationFn: (journeyId: string) => apiCommand(one(workspaceId, journeyId), { method: "DELETE" }), onSuccess: invalidate });
}

export function useValidateJourney(workspaceId: string, journeyId: string) {
  return useMutation({
    mutationFn: () => apiRequest(`${one(workspaceId, journeyId)}/validate`, z.object({ problems: z.array(GraphProblemDto) }), { method: "POST", body: {} }),
  });
}

export type JourneyTransition = "publish" | "pause" | "resume" | "archive";

/** Publish / pause / resume / archive: each answers the journey as it now is. A refused publish is a 422 with the problems in its details. */
export function useJourneyTransition(workspaceId: string, journeyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (transition: JourneyTransition) => apiRequest(`${one(workspaceId, journeyId)}/${transition}`, JourneyDto, { method: "POST", body: {} }),
    onSuccess: (journey) => {
      queryClient.setQueryData(journeyKeys.detail(workspaceId, journeyId), journey);
      void queryClient.invalidateQueries({ queryKey: journeyKeys.list(workspaceId) });
      void queryClient.invalidateQueries({ queryKey: journeyKeys.report(workspaceId, journeyId) });
    },
  });
}

// What the inspector's pickers list (features do not import each other: these read the same endpoints).

export function useMessageTemplateChoices(workspaceId: string) {
  return useQuery({ queryKey: journeyKeys.choices(workspaceId, "message-templates"), queryFn: ({ signal }) => apiRequest(`${ws(workspaceId)}/message-templates`, TemplateListDto, { signal }), retry: false });
}

export function useCouponTemplateChoices(workspaceId: string) {
  return useQuery({ queryKey: journeyKeys.choices(workspaceId, "coupon-templates"), queryFn: ({ signal }) => apiRequest(`${ws(workspaceId)}/coupon-templates`, CouponTemplateListDto, { signal }), retry: false });
}

export function useTagChoices(workspaceId: string) {
  return useQuery({ queryKey: journeyKeys.choices(workspaceId, "tags"), queryFn: ({ signal }) => apiRequest(`${ws(workspaceId)}/tags`, TagListDto, { signal }), retry: false });
}

export function useSegmentChoices(workspaceId: string) {
  return useQuery({ queryKey: journeyKeys.choices(workspaceId, "segments"), queryFn: ({ signal }) => apiRequest(`${ws(workspaceId)}/segments`, SegmentListDto, { signal }), retry: false });
}
