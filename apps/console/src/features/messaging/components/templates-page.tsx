import type { TemplateDto } from "@siyu/contracts";
import { App, Button, Card, Popconfirm, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { PageHeader } from "../../../components/page-header";
import { QueryErrorResult } from "../../../components/query-error-result";
import { rowTestId } from "../../../lib/test-id";
import { useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useDeleteTemplate, useTemplates } from "../api/messaging-api";
import { MessagingTabs } from "./messaging-tabs";
import { TemplateEditorDrawer } from "./template-editor-drawer";

export function TemplatesPage() {
  const t = useT();
  const { message } = App.useApp();
  const { workspaceId, can } = useCurrentWorkspace();
  const canManage = can("journeys.manage");
  const templates = useTemplates(workspaceId);
  const remove = useDeleteTemplate(workspaceId);
  const reportError = useReportApiError();
  /** undefined: closed; null: new template. */
  const [editing, setEditing] = useState<TemplateDto | null | undefined>(undefined);

  return (
    <>
      <MessagingTabs active="templates" />
      <PageHeader
        title={t("messaging.templates.title")}
        description={t("messaging.templates.description")}
        extra={
          canManage ? (
            <Button type="primary" onClick={() => setEditing(null)} data-testid="template-new">
              {t("messaging.templates.new")}
            </Button>
          ) : null
        }
      />
      <Card>
        {templates.isError ? (
          <QueryErrorResult error={templates.error} onRetry={() => void templates.refetch()} />
        ) : (
          <Table<TemplateDto>
            rowKey="id"
            size="middle"
            loading={templates.isLoading}
            dataSource={templates.data?.items ?? []}
            locale={{ emptyText: t("messaging.templates.empty") }}
            pagination={{ pageSize: 50, hideOnSinglePage: true }}
            onRow={(row) => rowTestId(`template-row-${row.id}`)}
            columns={[
              {
                title: t("messaging.templates.col.name"),
                dataIndex: "name",
                render: (name: string, row) => (
                  <Typography.Link onClick={() => setEditing(row)} data-testid={`template-open-${row.id}`}>
                    {name}
                  </Typography.Link>
                ),
              },
              { title: t("messaging.templates.col.channel"), dataIndex: "channel", render: (c: TemplateDto["channel"]) => t(`messaging.channel.${c}`) },
              { title: t("messaging.templates.col.purpose"), dataIndex: "purpose", render: (p: TemplateDto["purpose"]) => <Tag color={p === "marketing" ? "purple" : "cyan"}>{t(`messaging.purpose.${p}`)}</Tag> },
              {
                title: t("messaging.templates.col.languages"),
                key: "languages",
                render: (_, row) => (
                  <Space size={4} wrap>
                    {Object.keys(row.content).map((locale) => (
                      <Tag key={locale} color={locale === row.defaultLocale ? "blue" : undefined}>
                        {locale}
                      </Tag>
                    ))}
                  </Space>
                ),
              },
              {
                title: t("messaging.templates.col.variables"),
                dataIndex: "variables",
                render: (variables: string[]) => (
                  <Space size={4} wrap>
                    {variables.map((v) => (
                      <Typography.Text key={v} code>
                        {v}
                      </Typography.Text>
                    ))}
                  </Space>
                ),
              },
              {
                title: t("common.actions"),
                key: "actions",
                width: 160,
                render: (_, row) => (
                  <Space>
                    <Button size="small" onClick={() => setEditing(row)} data-testid={`template-edit-${row.id}`}>
                      {canManage ? t("common.edit") : t("messaging.preview.title")}
                    </Button>
                    {canManage ? (
                      <Popconfirm
                        title={t("messaging.templates.confirmDelete", { name: row.name })}
                        onConfirm={() =>
                          remove.mutate(row.id, { onSuccess: () => void message.success(t("common.deleted")), onError: (e) => reportError(e) })
                        }
                      >
                        <Button size="small" danger data-testid={`template-delete-${row.id}`}>
                          {t("common.delete")}
                        </Button>
                      </Popconfirm>
                    ) : null}
                  </Space>
                ),
              },
            ]}
          />
        )}
      </Card>
      <TemplateEditorDrawer workspaceId={workspaceId} template={editing} readOnly={!canManage} onClose={() => setEditing(undefined)} />
    </>
  );
}
