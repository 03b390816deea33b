import type { CouponTemplateDto } from "@siyu/contracts";
import { App, Form, Input, Modal, Progress, Radio, Select, Typography } from "antd";
import { useState } from "react";
import { useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useCreateIssueJob, useIssueCoupons, useIssueJob, useSegmentChoices } from "../api/coupon-templates";

type IssueFormValues = { source: "segment" | "list"; segmentId?: string; profileIds?: string };

/**
 * Issues a template to a segment (a background job whose progress the dialog follows) or to pasted
 * customer ids (at once, answered per customer).
 */
export function CouponIssueDialog(props: { template: CouponTemplateDto | null; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const { workspaceId, can } = useCurrentWorkspace();
  const canSegments = can("segments.read");
  const segments = useSegmentChoices(workspaceId, props.template !== null && canSegments);
  const issue = useIssueCoupons(workspaceId);
  const createJob = useCreateIssueJob(workspaceId);
  const [jobId, setJobId] = useState<string | null>(null);
  const job = useIssueJob(workspaceId, jobId);
  const reportError = useReportApiError();
  const [form] = Form.useForm<IssueFormValues>();
  const source = Form.useWatch("source", form);
  const { template } = props;

  const close = () => {
    setJobId(null);
    form.resetFields();
    props.onClose();
  };

  const submit = (values: IssueFormValues) => {
    if (!template) return;
    if (values.source === "segment") {
      createJob.mutate(
        { templateId: template.id, body: { segmentId: values.segmentId!, idempotencyKey: crypto.randomUUID() } },
        { onSuccess: (created) => setJobId(created.id), onError: (error) => reportError(error, form, ["segmentId"]) },
      );
      return;
    }
    const profileIds = [...new Set((values.profileIds ?? "").split(/[\s,]+/).filter(Boolean))];
    issue.mutate(
      { templateId: template.id, body: { profileIds, idempotencyKey: crypto.randomUUID() } },
      {
        onSuccess: (result) => {
          const issued = result.items.filter((i) => i.coupon).length;
          void message.info(t("loyalty.issue.result", { issued, refused: result.items.length - issued }));
          close();
        },
        onError: (error) => reportError(error, form, ["profileIds"]),
      },
    );
  };

  const progress = job.data;
  const handled = progress ? progress.issued + progress.refused : 0;
  return (
    <Modal
      open={template !== null}
      title={t("loyalty.issue.title", { name: template?.name ?? "" })}
      onCancel={close}
      onOk={() => (jobId ? close() : form.submit())}
      okText={jobId ? t("loyalty.issue.done") : undefined}
      okButtonProps={{ loading: issue.isPending || createJob.isPending, id: "coupon-issue-submit" }}
      destroyOnHidden
    >
      {jobId ? (
        <div data-testid="coupon-issue-job">
          <Progress percent={progress && progress.total > 0 ? Math.floor((handled * 100) / progress.total) : progress?.status === "done" ? 100 : 0} />
          {progress ? (
            <Typography.Text data-testid="coupon-issue-progress" data-status={progress.status}>
              {t("loyalty.issue.progress", { issued: progress.issued, refused: progress.refused, total: progress.total })}
            </Typography.Text>
          ) : null}
        </div>
      ) : (
        <>
          <Typography.Paragraph type="secondary">{t("loyalty.issue.help")}</Typography.Paragraph>
          <Form<IssueFormValues> form={form} layout="vertical" onFinish={submit} initialValues={{ source: canSegments ? "segment" : "list" }}>
            <Form.Item name="source" label={t("loyalty.issue.source")}>
              <Radio.Group
                optionType="button"
                options={[
                  ...(canSegments ? [{ value: "segment", label: t("loyalty.issue.source.segment") }] : []),
                  { value: "list", label: t("loyalty.issue.source.list") },
                ]}
                data-testid="coupon-issue-source"
              />
            </Form.Item>
            {source === "segment" ? (
              <Form.Item name="segmentId" label={t("loyalty.issue.segment")} extra={t("loyalty.issue.segmentHelp")} rules={[{ required: true, message: t("loyalty.validation.required") }]}>
                <Select
                  showSearch
                  optionFilterProp="label"
                  loading={segments.isLoading}
                  options={(segments.data?.items ?? []).map((s) => ({ value: s.id, label: `${s.name} · ${t("loyalty.issue.members", { count: s.size ?? 0 })}` }))}
                  data-testid="coupon-issue-segment"
                />
              </Form.Item>
            ) : (
              <Form.Item name="profileIds" label={t("loyalty.issue.profileIds")} rules={[{ required: true, message: t("loyalty.validation.required") }]}>
                <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} data-testid="coupon-issue-profiles" />
              </Form.Item>
            )}
          </Form>
        </>
      )}
    </Modal>
  );
}
