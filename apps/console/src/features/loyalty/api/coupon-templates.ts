import { CouponTemplateDto, CouponTemplateListDto, IssueResultDto, type CreateCouponTemplateInput, type IssueCouponsBody } from "@siyu/contracts";
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
