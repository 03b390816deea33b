import { App, Button, Card, Descriptions, Form, Tag } from "antd";
import { PageHeader } from "../../../components/page-header";
import { QueryErrorResult } from "../../../components/query-error-result";
import { useReportApiError } from "../../../lib/api";
import { formatDateTime } from "../../../lib/format/format-date-time";
import { useStoredForm } from "../../../lib/forms/use-stored-form";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useWorkspace } from "../api/get-workspace";
import { useUpdateWorkspace } from "../api/update-workspace";
import { WORKSPACE_FORM_FIELDS, WorkspaceFormFields, type WorkspaceFormValues } from "./workspace-form-fields";

export function WorkspaceSettingsPage() {
  const t = useT();
  const { message } = App.useApp();
  const { workspaceId, can } = useCurrentWorkspace();
  const workspace = useWorkspace(workspaceId);
  const update = useUpdateWorkspace(workspaceId);
  const reportError = useReportApiError();
  const [form] = Form.useForm<WorkspaceFormValues>();
  const canManage = can("workspace.manage");

  const fill = useStoredForm(form, workspace.data, ({ name, timezone, currency }) => ({ name, timezone, currency }));

  if (workspace.isError) return <QueryErrorResult error={workspace.error} onRetry={() => void workspace.refetch()} />;
  const data = workspace.data;

  return (
    <>
      <PageHeader title={t("workspaces.settings.title")} description={t("workspaces.settings.description")} />
      <Card loading={workspace.isPending} style={{ maxWidth: 720 }}>
        {data ? (
          <Descriptions size="small" column={1} style={{ marginBottom: 24 }}>
            <Descriptions.Item label={t("workspaces.field.id")}>
              <code>{data.id}</code>
            </Descriptions.Item>
            <Descriptions.Item label={t("workspaces.field.slug")}>
              <code>{data.slug}</code>
              {data.isDemo ? (
                <Tag color="gold" style={{ marginLeft: 8 }}>
                  {t("workspaces.demoTag")}
                </Tag>
              ) : null}
            </Descriptions.Item>
            <Descriptions.Item label={t("common.createdAt")}>{formatDateTime(data.createdAt, data.timezone)}</Descriptions.Item>
          </Descriptions>
        ) : null}
        <Form<WorkspaceFormValues>
          form={form}
          layout="vertical"
          requiredMark={false}
          disabled={!canManage}
          onFinish={(values) => {
            update.mutate(values, {
              onSuccess: (saved) => {
                fill(saved);
                void message.success(t("common.saved"));
              },
              onError: (error) => reportError(error, form, WORKSPACE_FORM_FIELDS),
            });
          }}
        >
          <WorkspaceFormFields currentTimeZone={data?.timezone} currentCurrency={data?.currency} disabled={!canManage} />
          {canManage ? (
            <Button type="primary" htmlType="submit" loading={update.isPending} data-testid="workspace-save">
              {t("common.save")}
            </Button>
          ) : null}
        </Form>
      </Card>
    </>
  );
}
