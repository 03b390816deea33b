import type { AuditEntryDto } from "@siyu/contracts";
import { Table, Tag, Tooltip, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { formatDateTime } from "../../../lib/format/format-date-time";
import { useT } from "../../../lib/i18n";
import { rowTestId } from "../../../lib/test-id";
import { AuditEntryDetails } from "./audit-entry-details";

const ACTOR_COLORS: Record<AuditEntryDto["actorType"], string> = {
  operator: "blue",
  api_key: "purple",
  system: "default",
};

export function AuditLogTable(props: { entries: readonly AuditEntryDto[]; loading: boolean; timeZone: string }) {
  const t = useT();
  const columns: TableColumnsType<AuditEntryDto> = [
    {
      title: t("auditLog.field.at", { timeZone: props.timeZone }),
      dataIndex: "at",
      width: 190,
      render: (at: string) => <span style={{ whiteSpace: "nowrap" }}>{formatDateTime(at, props.timeZone)}</span>,
    },
    {
      title: t("auditLog.field.actor"),
      key: "actor",
      width: 220,
      render: (_v, entry) => (
        <span>
          <Tag color={ACTOR_COLORS[entry.actorType]}>{t(`auditLog.actorType.${entry.actorType}`)}</Tag>
          {entry.actorName}
        </span>
      ),
    },
    {
      title: t("auditLog.field.action"),
      dataIndex: "action",
      width: 220,
      render: (action: string) => <Typography.Text code>{action}</Typography.Text>,
    },
    {
      title: t("auditLog.field.target"),
      key: "target",
      width: 200,
      render: (_v, entry) => (
        <Tooltip title={entry.targetId ?? undefined}>
          <span>
            {entry.targetType}
            {entry.targetId ? <Typography.Text type="secondary"> · {entry.targetId.slice(-8)}</Typography.Text> : null}
          </span>
        </Tooltip>
      ),
    },
    { title: t("auditLog.field.summary"), dataIndex: "summary" },
  ];
  return (
    <div data-testid="audit-log-table">
      <Table<AuditEntryDto>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={[...props.entries]}
        loading={props.loading}
        pagination={false}
        scroll={{ x: 1100 }}
        expandable={{
          expandedRowRender: (entry) => <AuditEntryDetails entry={entry} />,
          rowExpandable: () => true,
        }}
        onRow={(entry) => rowTestId(`audit-row-${entry.action}`)}
      />
    </div>
  );
}
