import type { ProfileDto } from "@siyu/contracts";
import { Card, Empty, Table } from "antd";
import type { TableColumnsType } from "antd";
import { formatDateTime } from "../../../lib/format/format-date-time";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { rowTestId } from "../../../lib/test-id";
import { IdentifierTypeTag, IdentifierValue } from "./identifier-display";

type Identifier = ProfileDto["identifiers"][number];

export function CustomerIdentifiersTable(props: { identifiers: readonly Identifier[] }) {
  const t = useT();
  const { workspace } = useCurrentWorkspace();
  const columns: TableColumnsType<Identifier> = [
    { title: t("customers.identities.type"), dataIndex: "type", width: 170, render: (type: string) => <IdentifierTypeTag type={type} /> },
    {
      title: t("customers.identities.value"),
      key: "value",
      render: (_v, identifier) => <IdentifierValue type={identifier.type} value={identifier.value} copyable />,
    },
    {
      title: t("customers.identities.firstSeen"),
      dataIndex: "firstSeenAt",
      width: 180,
      render: (at: string) => <span style={{ whiteSpace: "nowrap" }}>{formatDateTime(at, workspace.timezone)}</span>,
    },
  ];
  return (
    <Card title={t("customers.identities.title")} data-testid="customer-identities">
      <Table<Identifier>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={[...props.identifiers]}
        pagination={false}
        scroll={{ x: 560 }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("customers.identities.empty")} /> }}
        onRow={(identifier) => rowTestId(`customer-identifier-${identifier.type}`)}
      />
    </Card>
  );
}
