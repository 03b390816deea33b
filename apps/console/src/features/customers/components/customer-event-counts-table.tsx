import type { ProfileDto } from "@siyu/contracts";
import { Card, Empty, Table } from "antd";
import type { TableColumnsType } from "antd";
import { formatDateTime } from "../../../lib/format/format-date-time";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";

type EventCount = ProfileDto["eventCounts"][number];

export function CustomerEventCountsTable(props: { eventCounts: readonly EventCount[] }) {
  const t = useT();
  const { workspace } = useCurrentWorkspace();
  const columns: TableColumnsType<EventCount> = [
    { title: t("customers.eventCounts.event"), dataIndex: "event" },
    { title: t("customers.eventCounts.count"), dataIndex: "count", width: 80, align: "right" },
    {
      title: t("customers.eventCounts.lastAt"),
      dataIndex: "lastAt",
      width: 170,
      render: (at: string) => <span style={{ whiteSpace: "nowrap" }}>{formatDateTime(at, workspace.timezone)}</span>,
    },
  ];
  return (
    <Card title={t("customers.eventCounts.title")} data-testid="customer-event-counts">
      <Table<EventCount>
        rowKey="event"
        size="small"
        columns={columns}
        dataSource={[...props.eventCounts]}
        pagination={props.eventCounts.length > 10 ? { pageSize: 10, size: "small" } : false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("customers.eventCounts.empty")} /> }}
      />
    </Card>
  );
}
