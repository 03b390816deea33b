import type { ApiKeyDto } from "@siyu/contracts";
import { App, Button, Popconfirm, Table, Tag } from "antd";
import type { TableColumnsType } from "antd";
import { useReportApiError } from "../../../lib/api";
import { formatDateTime } from "../../../lib/format/format-date-time";
import { useT } from "../../../lib/i18n";
import { useRevokeApiKey } from "../api/revoke-api-key";

export function ApiKeyListTable(props: {
  workspaceId: string;
  apiKeys: readonly ApiKeyDto[];
  loading: boolean;
  timeZone: string;
  canManage: boolean;
}) {
  const t = useT();
  const { message } = App.useApp();
  const revoke = useRevokeApiKey(props.workspaceId);
  const reportError = useReportApiError();

  const columns: TableColumnsType<ApiKeyDto> = [
    { title: t("apiKeys.field.name"), dataIndex: "name" },
    {
      title: t("apiKeys.field.scope"),
      dataIndex: "scope",
      width: 120,
      render: (scope: ApiKeyDto["scope"]) => (
        <Tag color={scope === "admin" ? "volcano" : "green"}>{t(`apiKeys.scope.${scope}`)}</Tag>
      ),
    },
    {
      title: t("apiKeys.field.prefix"),
      dataIndex: "prefix",
      width: 160,
      render: (prefix: string) => <code>{prefix}…</code>,
    },
    {
      title: t("common.status"),
      key: "status",
      width: 110,
      render: (_v, key) =>
        key.revokedAt ? (
          <Tag>{t("apiKeys.status.revoked")}</Tag>
        ) : (
          <Tag color="success">{t("apiKeys.status.active")}</Tag>
        ),
    },
    {
      title: t("common.createdAt"),
      dataIndex: "createdAt",
      width: 170,
      render: (at: string) => formatDateTime(at, props.timeZone),
    },
    {
      title: t("apiKeys.field.lastUsedAt"),
      dataIndex: "lastUsedAt",
      width: 170,
      render: (at: string | null) => (at ? formatDateTime(at, props.timeZone) : t("common.never")),
    },
  ];
  if (props.canManage) {
    columns.push({
      title: t("common.actions"),
      key: "actions",
      width: 100,
      render: (_v, key) =>
        key.revokedAt ? null : (
          <Popconfirm
            title={t("apiKeys.revoke.confirm", { name: key.name })}
            description={t("apiKeys.revoke.hint")}
            okText={t("apiKeys.revoke.action")}
            cancelText={t("common.cancel")}
            okButtonProps={{ danger: true }}
            onConfirm={() =>
              revoke.mutate(key.id, {
                onSuccess: () => void message.success(t("apiKeys.revoke.done")),
                onError: (error) => reportError(error),
              })
            }
          >
            <Button type="link" size="small" danger data-testid={`api-key-revoke-${key.id}`}>
              {t("apiKeys.revoke.action")}
            </Button>
          </Popconfirm>
        ),
    });
  }
  return (
    <div data-testid="api-key-table">
      <Table<ApiKeyDto>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={[...props.apiKeys]}
        loading={props.loading}
        pagination={false}
        rowClassName={(key) => (key.revokedAt ? "siyu-row-muted" : "")}
        scroll={{ x: 900 }}
      />
    </div>
  );
}
