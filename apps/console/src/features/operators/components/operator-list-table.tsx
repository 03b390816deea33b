import { ROLES, type Role, type WorkspaceOperatorDto } from "@siyu/contracts";
import { App, Button, Popconfirm, Select, Space, Table, Tag, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { useState } from "react";
import { roleLabelKey } from "../../../components/role-label";
import { useReportApiError } from "../../../lib/api";
import { formatDateTime } from "../../../lib/format/format-date-time";
import { useT } from "../../../lib/i18n";
import { useMe } from "../../../lib/session";
import { useRemoveOperator } from "../api/remove-operator";
import { useUpdateOperator } from "../api/update-operator";
import { OperatorStoresModal } from "./operator-stores-modal";

export function OperatorListTable(props: {
  workspaceId: string;
  operators: readonly WorkspaceOperatorDto[];
  loading: boolean;
  timeZone: string;
  canManage: boolean;
  storeNames: ReadonlyMap<string, string>;
}) {
  const t = useT();
  const { message } = App.useApp();
  const me = useMe();
  const update = useUpdateOperator(props.workspaceId);
  const remove = useRemoveOperator(props.workspaceId);
  const reportError = useReportApiError();
  const [editingStores, setEditingStores] = useState<WorkspaceOperatorDto | null>(null);
  const myId = me.data?.operator.id;

  const changeRole = (operator: WorkspaceOperatorDto, role: Role) =>
    update.mutate(
      { operatorId: operator.operatorId, body: { role } },
      {
        onSuccess: (updated) => {
          void message.success(t("common.saved"));
          // A store manager without stores sees nothing: ask for them straight away.
          if (updated.role === "store_manager" && updated.storeIds.length === 0) setEditingStores(updated);
        },
        onError: (error) => reportError(error),
      },
    );

  const columns: TableColumnsType<WorkspaceOperatorDto> = [
    {
      title: t("operators.field.name"),
      dataIndex: "name",
      render: (name: string, op) => (
        <Space direction="vertical" size={0}>
          <span>
            {name} {op.operatorId === myId ? <Tag>{t("operators.you")}</Tag> : null}
          </span>
          <Typography.Text type="secondary">{op.email}</Typography.Text>
        </Space>
      ),
    },
    {
      title: t("operators.field.role"),
      dataIndex: "role",
      width: 180,
      render: (role: Role, op) =>
        props.canManage && op.operatorId !== myId ? (
          <Select<Role>
            value={role}
            style={{ width: 160 }}
            onChange={(next) => changeRole(op, next)}
            options={ROLES.map((r) => ({ value: r, label: t(roleLabelKey(r)) }))}
            data-testid={`operator-role-${op.email}`}
          />
        ) : (
          <Tag>{t(roleLabelKey(role))}</Tag>
        ),
    },
    {
      title: t("operators.field.stores"),
      dataIndex: "storeIds",
      render: (storeIds: string[], op) => {
        if (op.role !== "store_manager") return <Typography.Text type="secondary">{t("operators.stores.all")}</Typography.Text>;
        return (
          <Space wrap size={4}>
            {storeIds.length === 0 ? <Tag color="warning">{t("operators.stores.noneAssigned")}</Tag> : null}
            {storeIds.map((id) => (
              <Tag key={id}>{props.storeNames.get(id) ?? id.slice(0, 8)}</Tag>
            ))}
            {props.canManage ? (
              <Button size="small" type="link" onClick={() => setEditingStores(op)}>
                {t("operators.stores.edit")}
              </Button>
            ) : null}
          </Space>
        );
      },
    },
    {
      title: t("operators.field.joinedAt"),
      dataIndex: "joinedAt",
      width: 170,
      render: (at: string) => formatDateTime(at, props.timeZone),
    },
    {
      title: t("operators.field.lastLoginAt"),
      dataIndex: "lastLoginAt",
      width: 170,
      render: (at: string | null) => (at ? formatDateTime(at, props.timeZone) : t("common.never")),
    },
  ];
  if (props.canManage) {
    columns.push({
      title: t("common.actions"),
      key: "actions",
      width: 100,
      render: (_v, op) =>
        op.operatorId === myId ? null : (
          <Popconfirm
            title={t("operators.remove.confirm", { name: op.name })}
            description={t("operators.remove.hint")}
            okText={t("operators.remove.action")}
            cancelText={t("common.cancel")}
            okButtonProps={{ danger: true }}
            onConfirm={() =>
              remove.mutate(op.operatorId, {
                onSuccess: () => void message.success(t("operators.remove.done")),
                onError: (error) => reportError(error),
              })
            }
          >
            <Button type="link" size="small" danger>
              {t("operators.remove.action")}
            </Button>
          </Popconfirm>
        ),
    });
  }

  return (
    <>
      <div data-testid="operator-table">
        <Table<WorkspaceOperatorDto>
          rowKey="operatorId"
          size="middle"
          columns={columns}
          dataSource={[...props.operators]}
          loading={props.loading}
          pagination={false}
          scroll={{ x: 900 }}
        />
      </div>
      <OperatorStoresModal
        workspaceId={props.workspaceId}
        operator={editingStores}
        onClose={() => setEditingStores(null)}
      />
    </>
  );
}
