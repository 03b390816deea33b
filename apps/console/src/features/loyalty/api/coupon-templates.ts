import { CouponTemplateDto, CouponTemplateListDto, IssueJobDto, IssueResultDto, SegmentListDto, type CreateCouponTemplateInput, type CreateIssueJobBody, type IssueCouponsBody } from "@siyu/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiCommand, apiRequest, encodePathSegment } from "../../../lib/api";
import { loyaltyKeys } from "./loyalty-keys";

const base = (workspaceId: string) => `/workspaces/${encodePathSegment(workspaceId)}/coupon-templates`;

export function useCouponTemplates(workspaceId: string) {
  return useQuery({ queryKey: loyaltyKeys.templates(workspaceId), queryFn: ({ signal }) => apiRequest(base(workspaceId), CouponTemplateListDto, { signal }) });
}

export function useCreateCouponTemplate(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateCouponTemplateInput) => apiRequest(base(workspaceId), CouponTemplateDto, { method: "POST", body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: loyaltyKeys.templates(workspaceId) }),
  });
}

export function useArchiveCouponTemplate(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (templateId: string) => apiCommand(`${base(workspaceId)}/${encodePathSegment(templateId)}`, { method: "DELETE" }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: loyaltyKeys.templates(workspaceId) }),
  });
}

export function useIssueCoupons(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { templateId: string; body: IssueCouponsBody }) =>
      apiRequest(`${base(workspaceId)}/${encodePathSegment(input.templateId)}/issues`, IssueResultDto, { method: "POST", body: input.body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: loyaltyKeys.templates(workspaceId) }),
  });
}

/** A bulk issue in the background (a segment's members, or a list): 202 with the job to follow. */
export function useCreateIssueJob(workspaceId: string) {
  return useMutation({
    mutationFn: (input: { templateId: string; body: CreateIssueJobBody }) =>
      apiRequest(`${base(workspaceId)}/${encodePathSegment(input.templateId)}/issue-jobs`, IssueJobDto, { method: "POST", body: input.body }),
  });
}

/** A job's progress, polled every second until it is done (then the templates' issued counts are refreshed). */
export function useIssueJob(workspaceId: string, jobId: string | null) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: [...loyaltyKeys.all(workspaceId), "issue-job", jobId ?? ""],
    queryFn: async ({ signal }) => {
      const job = await apiRequest(`/workspaces/${encodePathSegment(workspaceId)}/coupon-issue-jobs/${encodePathSegment(jobId!)}`, IssueJobDto, { signal });
      if (job.status === "done") void queryClient.invalidateQueries({ queryKey: loyaltyKeys.templates(workspaceId) });
      return job;
    },
    enabled: jobId !== null,
    refetchInterval: (query) => (query.state.data?.status === "done" ? false : 1000),
  });
}

/** The workspace's segments with their sizes, to pick a bulk issue's source. */
export function useSegmentChoices(workspaceId: string, enabled: boolean) {
  return useQuery({
    queryKey: [...loyaltyKeys.all(workspaceId), "segment-choices"],
    queryFn: ({ signal }) => apiRequest(`/workspaces/${encodePathSegment(workspaceId)}/segments`, SegmentListDto, { signal }),
    enabled,
  });
}
