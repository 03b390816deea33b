import type { OrderDto } from "@siyu/contracts";
import { Card, Empty, Table, Tag } from "antd";
import type { TableColumnsType } from "antd";
import { formatDateTime } from "../../../lib/format/format-date-time";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { rowTestId } from "../../../lib/test-id";
import { useFormatMoney } from "./use-format-money";

const STATUS_COLORS: Record<OrderDto["status"], string> = {
  completed: "green",
  partially_refunded: "orange",
  refunded: "default",
};

export function CustomerOrdersTable(props: { orders: readonly OrderDto[] }) {
  const t = useT();
  const { workspace } = useCurrentWorkspace();
  const formatMoney = useFormatMoney();
  const columns: TableColumnsType<OrderDto> = [
    { title: t("customers.orders.orderId"), dataIndex: "orderId", render: (id: string) => <code>{id}</code> },
    {
      title: t("customers.orders.orderedAt"),
      dataIndex: "orderedAt",
      width: 170,
      render: (at: string) => <span style={{ whiteSpace: "nowrap" }}>{formatDateTime(at, workspace.timezone)}</span>,
    },
    {
      title: t("customers.orders.total"),
      key: "total",
      width: 120,
      align: "right",
      render: (_v, order) => formatMoney(order.totalMinor, order.currency),
    },
    {
      title: t("customers.orders.refunded"),
      key: "refunded",
      width: 110,
      align: "right",
      render: (_v, order) => (order.refundedMinor > 0 ? formatMoney(order.refundedMinor, order.currency) : "—"),
    },
    {
      title: t("customers.orders.status"),
      dataIndex: "status",
      width: 110,
      render: (status: OrderDto["status"]) => <Tag color={STATUS_COLORS[status]}>{t(`customers.orderStatus.${status}`)}</Tag>,
    },
    { title: t("customers.orders.coupon"), dataIndex: "coupon", width: 110, render: (v: string | null) => v ?? "—" },
  ];
  return (
    <Card title={t("customers.orders.title")} data-testid="customer-orders">
      <Table<OrderDto>
        rowKey="orderId"
        size="small"
        columns={columns}
        dataSource={[...props.orders]}
        pagination={false}
        scroll={{ x: 720 }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("customers.orders.empty")} /> }}
        onRow={(order) => rowTestId(`customer-order-${order.orderId}`)}
      />
    </Card>
  );
}
