import type { ProfileSummaryDto } from "@siyu/contracts";
import { Empty, Table, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { formatDateTime } from "../../../lib/format/format-date-time";
import { formatPhone } from "../../../lib/format/format-phone";
import { useT } from "../../../lib/i18n";
import { rowTestId } from "../../../lib/test-id";
import { useFormatMoney } from "./use-format-money";

export function CustomerListTable(props: {
  customers: readonly ProfileSummaryDto[];
  loading: boolean;
  timeZone: string;
  emptyText: string;
  onOpen: (profileId: string) => void;
}) {
  const t = useT();
  const formatMoney = useFormatMoney();
  const columns: TableColumnsType<ProfileSummaryDto> = [
    {
      title: t("customers.field.name"),
      dataIndex: "name",
      render: (name: string | null) =>
        name ? <Typography.Text strong>{name}</Typography.Text> : <Typography.Text type="secondary">{t("customers.unnamed")}</Typography.Text>,
    },
    {
      title: t("customers.field.phone"),
      dataIndex: "phone",
      width: 170,
      // Full number for now; masking by role comes with the data-access rules.
      render: (phone: string | null) => <span style={{ whiteSpace: "nowrap" }}>{formatPhone(phone)}</span>,
    },
    { title: t("customers.field.orders"), dataIndex: "orderCount", width: 100, align: "right" },
    {
      title: t("customers.field.totalSpend"),
      dataIndex: "totalSpendMinor",
      width: 140,
      align: "right",
      render: (minor: number) => formatMoney(minor),
    },
    { title: t("customers.field.events"), dataIndex: "eventCount", width: 100, align: "right" },
    {
      title: t("customers.field.lastSeen", { timeZone: props.timeZone }),
      dataIndex: "lastSeenAt",
      width: 230,
      render: (at: string | null) => <span style={{ whiteSpace: "nowrap" }}>{formatDateTime(at, props.timeZone)}</span>,
    },
  ];
  return (
    <div data-testid="customer-table">
      <Table<ProfileSummaryDto>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={[...props.customers]}
        loading={props.loading}
        pagination={false}
        scroll={{ x: 900 }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={props.emptyText} /> }}
        rowClassName="siyu-row-clickable"
        onRow={(customer) => ({
          ...rowTestId(`customer-row-${customer.id}`),
          onClick: () => props.onOpen(customer.id),
        })}
      />
    </div>
  );
}
