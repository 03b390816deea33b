import type { MergeDto, ProfileDto } from "@siyu/contracts";
import { App, Button, Card, Empty, Flex, Popconfirm, Table, Tag, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { Link } from "react-router";
import { useReportApiError } from "../../../lib/api";
import { formatDateTime } from "../../../lib/format/format-date-time";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { rowTestId, testId } from "../../../lib/test-id";
import { useSplitCustomerMerge } from "../api/split-customer-merge";
import { IdentifierChip } from "./identifier-display";

export function CustomerMergeHistory(props: { profile: ProfileDto }) {
  const t = useT();
  const { message } = App.useApp();
  const reportError = useReportApiError();
  const { workspaceId, workspace, can } = useCurrentWorkspace();
  const { profile } = props;
  const split = useSplitCustomerMerge(workspaceId, profile.id);
  const canManage = can("customers.manage");
  const identifiersById = new Map(profile.identifiers.map((i) => [i.id, i]));

  const columns: TableColumnsType<MergeDto> = [
    {
      title: t("customers.merges.at"),
      dataIndex: "at",
      width: 160,
      render: (at: string) => <span style={{ whiteSpace: "nowrap" }}>{formatDateTime(at, workspace.timezone)}</span>,
    },
    {
      title: t("customers.merges.broughtIn"),
      key: "identifiers",
      render: (_v, merge) => {
        // After a split the identifiers live on the other profile again; only their number is known here.
        const present = merge.mergedIdentifierIds.flatMap((id) => identifiersById.get(id) ?? []);
        return (
          <Flex vertical gap={4}>
            {present.map((identifier) => (
              <IdentifierChip key={identifier.id} type={identifier.type} value={identifier.value} />
            ))}
            {present.length < merge.mergedIdentifierIds.length ? (
              <Typography.Text type="secondary">
                {t("customers.merges.gone", { count: merge.mergedIdentifierIds.length - present.length })}
              </Typography.Text>
            ) : null}
            <Link to={`/w/${workspaceId}/customers/${merge.mergedProfileId}`} style={{ fontSize: 12 }}>
              {t("customers.merges.mergedProfile")} · {merge.mergedProfileId.slice(-8)}
            </Link>
          </Flex>
        );
      },
    },
    {
      title: t("customers.merges.status"),
      key: "status",
      width: 190,
      render: (_v, merge) => {
        if (merge.splitAt) {
          return (
            <Typography.Text type="secondary" data-testid={`customer-merge-split-${merge.id}`}>
              {t("customers.merges.splitAt", { at: formatDateTime(merge.splitAt, workspace.timezone), by: merge.splitBy ?? "—" })}
            </Typography.Text>
          );
        }
        if (!canManage) return <Tag color="green">{t("customers.merges.active")}</Tag>;
        return (
          <Popconfirm
            title={t("customers.split.confirm")}
            description={<div style={{ maxWidth: 320 }}>{t("customers.split.hint")}</div>}
            okText={t("customers.split.action")}
            cancelText={t("common.cancel")}
            okButtonProps={{ danger: true, ...testId("customer-split-confirm") }}
            onConfirm={() =>
              split.mutateAsync(merge.id, {
                onSuccess: () => void message.success(t("customers.split.done")),
                onError: (error) => reportError(error),
              }).catch(() => undefined)
            }
          >
            <Button danger size="small" loading={split.isPending && split.variables === merge.id} data-testid={`customer-split-${merge.id}`}>
              {t("customers.split.action")}
            </Button>
          </Popconfirm>
        );
      },
    },
  ];
  return (
    <Card title={t("customers.merges.title")} data-testid="customer-merges">
      <Table<MergeDto>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={[...profile.merges]}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("customers.merges.empty")} /> }}
        onRow={(merge) => rowTestId(`customer-merge-${merge.id}`)}
      />
    </Card>
  );
}
