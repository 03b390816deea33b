import { z } from "zod";
import { AlertEventDto, AlertEventListDto, AlertPreviewDto, AlertRuleDto, AlertRuleListDto, type AlertRuleInput } from "@siyu/contracts";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiCommand, apiRequest, encodePathSegment } from "../../../lib/api";

const base = (workspaceId: string) => `/workspaces/${encodePathSegment(workspaceId)}/alerts`;

export const alertKeys = {
  all: (workspaceId: string) => ["workspaces", workspaceId, "alerts"] as const,
  rules: (workspaceId: string) => [...alertKeys.all(workspaceId), "rules"] as const,
  events: (workspaceId: string, all: boolean) => [...alertKeys.all(workspaceId), "events", all] as const,
  preview: (workspaceId: string, body: AlertRuleInput | null) => [...alertKeys.all(workspaceId), "preview", body] as const,
};

export function useAlertRules(workspaceId: string) {
  return useQuery({ queryKey: alertKeys.rules(workspaceId), queryFn: ({ signal }) => apiRequest(`${base(workspaceId)}/rules`, AlertRuleListDto, { signal }) });
}

/** The notifications: unacknowledged alerts, or every recent one. */
export function useAlertEvents(workspaceId: string, all: boolean) {
  return useQuery({
    queryKey: alertKeys.events(workspaceId, all),
    queryFn: ({ signal }) => apiRequest(`${base(workspaceId)}/events`, AlertEventListDto, { signal, query: all ? { limit: 100 } : { limit: 100, unacknowledged: "true" } }),
  });
}

/** Rules and alerts change together (an edit resets state, an evaluation raises alerts): refresh both. */
function useInvalidateAlerts(workspaceId: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: alertKeys.all(workspaceId) });
}

export function useSaveAlertRule(workspaceId: string) {
  const invalidate = useInvalidateAlerts(workspaceId);
  return useMutation({
    mutationFn: ({ ruleId, body }: { ruleId: string | null; body: AlertRuleInput }) =>
      apiRequest(ruleId ? `${base(workspaceId)}/rules/${encodePathSegment(ruleId)}` : `${base(workspaceId)}/rules`, AlertRuleDto, { method: ruleId ? "PUT" : "POST", body }),
    onSuccess: invalidate,
  });
}

export function useDeleteAlertRule(workspaceId: string) {
  const invalidate = useInvalidateAlerts(workspaceId);
  return useMutation({ mutationFn: (ruleId: string) => apiCommand(`${base(workspaceId)}/rules/${encodePathSegment(ruleId)}`, { method: "DELETE" }), onSuccess: invalidate });
}

export function useInstallAlertDefaults(workspaceId: string) {
  const invalidate = useInvalidateAlerts(workspaceId);
  return useMutation({ mutationFn: () => apiRequest(`${base(workspaceId)}/rules/defaults`, AlertRuleListDto, { method: "POST", body: {} }), onSuccess: invalidate });
}

export function useEvaluateAlerts(workspaceId: string) {
  const invalidate = useInvalidateAlerts(workspaceId);
  return useMutation({ mutationFn: () => apiRequest(`${base(workspaceId)}/evaluation`, z.object({ changed: z.number() }), { method: "POST", body: {} }), onSuccess: invalidate });
}

export function useAcknowledgeAlert(workspaceId: string) {
  const invalidate = useInvalidateAlerts(workspaceId);
  return useMutation({
    mutationFn: (eventId: string) => apiRequest(`${base(workspaceId)}/events/${encodePathSegment(eventId)}/acknowledgement`, AlertEventDto, { method: "POST", body: {} }),
    onSuccess: invalidate,
  });
}

/** A rule's judged series; a changed rule keeps showing the last preview until the new one arrives. */
export function useAlertPreview(workspaceId: string, body: AlertRuleInput | null) {
  return useQuery({
    enabled: body !== null,
    queryKey: alertKeys.preview(workspaceId, body),
    queryFn: ({ signal }) => apiRequest(`${base(workspaceId)}/preview`, AlertPreviewDto, { method: "POST", body, signal }),
    placeholderData: keepPreviousData,
    retry: false,
  });
}
