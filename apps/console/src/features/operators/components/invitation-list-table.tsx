import type { InvitationDto } from "@siyu/contracts";
import { App, Button, Popconfirm, Table, Tag } from "antd";
import type { TableColumnsType } from "antd";
import { roleLabelKey } from "../../../components/role-label";
import { useReportApiError } from "../../../lib/api";
import { formatDateTime } from "../../../lib/format/format-date-time";
import { useT } from "../../../lib/i18n";
import { useRevokeInvitation } from "../api/revoke-invitation";
import { invitationStatus, type InvitationStatus } from "../invitation-status";

const STATUS_COLORS: Record<InvitationStatus, string> = {
  pending: "processing",
  accepted: "success",
  revoked: "default",
  expired: "warning",
};

export function InvitationListTable(props: {
  workspaceId: string;
  invitations: readonly InvitationDto[];
  loading: boolean;
  timeZone: string;
  canManage: boolean;
}) {
  const t = useT();
  const { message } = App.useApp();
  const revoke = useRevokeInvitation(props.workspaceId);
  const reportError = useReportApiError();
  const now = new Date();

  const columns: TableColumnsType<InvitationDto> = [
    { title: t("operators.field.email"), dataIndex: "email" },
    {
      title: t("operators.field.role"),
      dataIndex: "role",
      width: 140,
      render: (role: InvitationDto["role"]) => <Tag>{t(roleLabelKey(role))}</Tag>,
    },
    {
      title: t("common.status"),
      key: "status",
      width: 120,
      render: (_v, inv) => {
        const status = invitationStatus(inv, now);
        return <Tag color={STATUS_COLORS[status]}>{t(`operators.invitation.status.${status}`)}</Tag>;
      },
    },
    {
      title: t("operators.field.expiresAt"),
      dataIndex: "expiresAt",
      width: 170,
      render: (at: string) => formatDateTime(at, props.timeZone),
    },
    {
      title: t("common.createdAt"),
      dataIndex: "createdAt",
      width: 170,
      render: (at: string) => formatDateTime(at, props.timeZone),
    },
  ];
  if (props.canManage) {
    columns.push({
      title: t("common.actions"),
      key: "actions",
      width: 100,
      render: (_v, inv) =>
        invitationStatus(inv, now) === "pending" ? (
          <Popconfirm
            title={t("operators.invitation.revokeConfirm", { email: inv.email })}
            okText={t("operators.invitation.revoke")}
            cancelText={t("common.cancel")}
            okButtonProps={{ danger: true }}
            onConfirm={() =>
              revoke.mutate(inv.id, {
                onSuccess: () => void message.success(t("operators.invitation.revoked")),
                onError: (error) => reportError(error),
              })
            }
          >
            <Button type="link" size="small" danger>
              {t("operators.invitation.revoke")}
            </Button>
          </Popconfirm>
        ) : null,
    });
  }
  return (
    <div data-testid="invitation-table">
      <Table<InvitationDto>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={[...props.invitations]}
        loading={props.loading}
        pagination={false}
        scroll={{ x: 800 }}
      />
    </div>
  );
}
