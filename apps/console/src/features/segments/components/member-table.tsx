import type { ProfileSummaryDto } from "@siyu/contracts";
import { Empty, Table, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { useCallback } from "react";
import { Link } from "react-router";
import { formatDateTime } from "../../../lib/format/format-date-time";
import { formatMinorUnits } from "../../../lib/format/format-money";
import { formatPhone } from "../../../lib/format/format-phone";
import { useLanguage, useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { rowTestId } from "../../../lib/test-id";

/** Customers of a segment (or of a preview's sample); a click opens the customer's page. */
export function MemberTable(props: {
  members: readonly ProfileSummaryDto[];
  loading?: boolean;
  emptyText: string;
  testId: string;
  /** Name, orders and spend only: for the builder's narrow preview panel. */
  compact?: boolean;
}) {
  const t = useT();
  const { lang } = useLanguage();
  const { workspace, workspaceId } = useCurrentWorkspace();
  const money = useCallback((minor: number) => formatMinorUnits(minor, workspace.currency, lang), [workspace.currency, lang]);
  const all: TableColumnsType<ProfileSummaryDto> = [
    {
      title: t("segments.member.name"),
      dataIndex: "name",
      render: (name: string | null, member) => (
        // The customers feature owns the profile page: reached by its route only.
        <Link to={`/w/${workspaceId}/customers/${member.id}`}>
          {name ?? <Typography.Text type="secondary">{t("segments.member.unnamed")}</Typography.Text>}
        </Link>
      ),
    },
    { key: "phone", title: t("segments.member.phone"), dataIndex: "phone", width: 160, render: (phone: string | null) => formatPhone(phone) },
    { title: t("segments.member.orders"), dataIndex: "orderCount", width: 90, align: "right" },
    { title: t("segments.member.spend"), dataIndex: "totalSpendMinor", width: 130, align: "right", render: money },
    {
      key: "lastSeen",
      title: t("segments.member.lastSeen"),
      dataIndex: "lastSeenAt",
      width: 190,
      render: (at: string | null) => <span style={{ whiteSpace: "nowrap" }}>{formatDateTime(at, workspace.timezone)}</span>,
    },
  ];
  const columns = props.compact ? all.filter((column) => column.key !== "phone" && column.key !== "lastSeen") : all;
  return (
    <div data-testid={props.testId}>
      <Table<ProfileSummaryDto>
        rowKey="id"
        size={props.compact ? "small" : "middle"}
        columns={columns}
        dataSource={[...props.members]}
        loading={props.loading}
        pagination={false}
        scroll={props.compact ? undefined : { x: 700 }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={props.emptyText} /> }}
        onRow={(member) => rowTestId(`${props.testId}-row-${member.id}`)}
      />
    </div>
  );
}
