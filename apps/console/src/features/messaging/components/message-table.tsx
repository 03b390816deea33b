import type { MessageDto } from "@siyu/contracts";
import { Table, Typography } from "antd";
import { Link } from "react-router";
import { formatDateTime } from "../../../lib/format/format-date-time";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { rowTestId } from "../../../lib/test-id";
import { messageSnippet } from "../message-view";
import { MessageStatus } from "./message-status";

/** Messages, newest first as the API gives them; a click opens one. `compact` leaves out the customer and source (the customer page). */
export function MessageTable(props: { messages: readonly MessageDto[]; loading: boolean; onOpen: (messageId: string) => void; compact?: boolean }) {
  const t = useT();
  const { workspace, workspaceId } = useCurrentWorkspace();
  return (
    <Table<MessageDto>
      rowKey="id"
      size="small"
      loading={props.loading}
      dataSource={[...props.messages]}
      pagination={false}
      locale={{ emptyText: props.compact ? t("messaging.customerCard.empty") : t("messaging.messages.empty") }}
      onRow={(row) => ({ ...rowTestId(`message-row-${row.id}`), onClick: () => props.onOpen(row.id), style: { cursor: "pointer" } })}
      scroll={{ x: props.compact ? undefined : 900 }}
      columns={[
        { title: t("messaging.messages.col.createdAt"), dataIndex: "createdAt", width: 170, render: (at: string) => formatDateTime(at, workspace.timezone) },
        ...(props.compact
          ? []
          : [
              {
                title: t("messaging.messages.col.customer"),
                dataIndex: "profileId",
                width: 110,
                render: (profileId: string) => (
                  <Link to={`/w/${workspaceId}/customers/${profileId}`} onClick={(e) => e.stopPropagation()}>
                    {profileId.slice(0, 8)}
                  </Link>
                ),
              },
            ]),
        { title: t("messaging.messages.col.channel"), dataIndex: "channel", render: (c: MessageDto["channel"]) => t(`messaging.channel.${c}`) },
        ...(props.compact ? [] : [{ title: t("messaging.messages.col.category"), dataIndex: "category", render: (c: MessageDto["category"]) => t(`messaging.category.${c}`) }]),
        { title: t("messaging.messages.col.status"), key: "status", render: (_: unknown, row: MessageDto) => <MessageStatus message={row} /> },
        {
          title: t("messaging.messages.col.content"),
          key: "content",
          render: (_: unknown, row: MessageDto) => <Typography.Text type="secondary">{messageSnippet(row, props.compact ? 40 : 60) || "—"}</Typography.Text>,
        },
        ...(props.compact ? [] : [{ title: t("messaging.messages.col.source"), key: "source", render: (_: unknown, row: MessageDto) => t(`messaging.source.${row.source.kind}`) }]),
      ]}
    />
  );
}
