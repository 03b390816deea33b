import { EyeOutlined, PlusOutlined } from "@ant-design/icons";
import type { SegmentSummaryDto } from "@siyu/contracts";
import { Button, Card, Empty, Flex, Table, Tooltip, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { useNavigate } from "react-router";
import { Sparkline } from "../../../components/echart";
import { PageHeader } from "../../../components/page-header";
import { QueryErrorResult } from "../../../components/query-error-result";
import { formatDateTime } from "../../../lib/format/format-date-time";
import { useLanguage, useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { rowTestId } from "../../../lib/test-id";
import { useSegments } from "../api/get-segments";
import { DeleteSegmentButton, ExportSegmentButton, RefreshSegmentButton } from "./segment-actions";
import { SegmentSettingsButton } from "./segment-settings-modal";

export function SegmentListPage() {
  const t = useT();
  const { lang } = useLanguage();
  const navigate = useNavigate();
  const { workspaceId, workspace, can } = useCurrentWorkspace();
  const canManage = can("segments.manage");
  const segments = useSegments(workspaceId);
  const open = (id: string) => void navigate(`/w/${workspaceId}/segments/${id}`);

  const columns: TableColumnsType<SegmentSummaryDto> = [
    {
      title: t("segments.col.name"),
      dataIndex: "name",
      render: (name: string, segment) => (
        <Flex vertical>
          <Typography.Text strong>{name}</Typography.Text>
          {segment.description ? (
            <Typography.Text type="secondary" ellipsis style={{ maxWidth: 420, fontSize: 12 }}>
              {segment.description}
            </Typography.Text>
          ) : null}
        </Flex>
      ),
    },
    {
      title: t("segments.col.size"),
      dataIndex: "size",
      width: 120,
      align: "right",
      render: (size: number | null, segment) => <span data-testid={`segment-size-${segment.id}`}>{size === null ? "—" : size.toLocaleString(lang)}</span>,
    },
    {
      title: t("segments.col.trend"),
      key: "trend",
      width: 150,
      render: (_, segment) =>
        segment.sizeTrend.length > 0 ? <Sparkline values={segment.sizeTrend.map((p) => p.size)} data-testid={`segment-trend-${segment.id}`} /> : "—",
    },
    {
      title: t("segments.col.lastRefreshed"),
      dataIndex: "lastRefreshedAt",
      width: 190,
      render: (at: string | null) => (at ? <span style={{ whiteSpace: "nowrap" }}>{formatDateTime(at, workspace.timezone)}</span> : t("segments.neverRefreshed")),
    },
    {
      title: t("segments.col.actions"),
      key: "actions",
      width: 180,
      render: (_, segment) => (
        <Flex gap={6}>
          <Tooltip title={t("segments.action.open")}>
            <Button
              size="small"
              icon={<EyeOutlined />}
              onClick={(e) => {
                e.stopPropagation();
                open(segment.id);
              }}
              data-testid={`segment-open-${segment.id}`}
            />
          </Tooltip>
          {canManage ? <RefreshSegmentButton segmentId={segment.id} /> : null}
          <ExportSegmentButton segmentId={segment.id} />
          {canManage ? <DeleteSegmentButton segmentId={segment.id} name={segment.name} /> : null}
        </Flex>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t("segments.title")}
        description={t("segments.description")}
        extra={
          canManage ? (
            <>
              <SegmentSettingsButton />
              <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate(`/w/${workspaceId}/segments/new`)} data-testid="segment-new">
                {t("segments.new")}
              </Button>
            </>
          ) : null
        }
      />
      <Card>
        {segments.isError ? (
          <QueryErrorResult error={segments.error} onRetry={() => void segments.refetch()} />
        ) : (
          <div data-testid="segment-table">
            <Table<SegmentSummaryDto>
              rowKey="id"
              columns={columns}
              dataSource={segments.data?.items ?? []}
              loading={segments.isPending}
              pagination={false}
              scroll={{ x: 900 }}
              locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("segments.empty")} /> }}
              rowClassName="siyu-row-clickable"
              onRow={(segment) => ({ ...rowTestId(`segment-row-${segment.id}`), onClick: () => open(segment.id) })}
            />
          </div>
        )}
      </Card>
    </>
  );
}
