import { CheckOutlined, MinusOutlined } from "@ant-design/icons";
import type { Permission, Role } from "@siyu/contracts";
import { Table, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { roleLabelKey } from "../../../components/role-label";
import { useT } from "../../../lib/i18n";
import type { RoleList } from "../api/get-roles";
import { buildPermissionRows, type PermissionRow } from "../role-matrix-rows";

export function RolePermissionMatrix(props: { roles: RoleList | undefined; loading: boolean; currentRole: Role }) {
  const t = useT();
  const roleColumns: TableColumnsType<PermissionRow> = (props.roles?.items ?? []).map(({ role }) => ({
    title: (
      <Typography.Text strong={role === props.currentRole}>
        {t(roleLabelKey(role))}
        {role === props.currentRole ? ` (${t("operators.you")})` : ""}
      </Typography.Text>
    ),
    key: role,
    align: "center",
    width: 120,
    render: (_v, row) =>
      row.granted.has(role) ? (
        <CheckOutlined style={{ color: "var(--ant-color-primary)" }} aria-label={t("operators.matrix.granted")} />
      ) : (
        <MinusOutlined style={{ color: "var(--ant-color-text-quaternary)" }} aria-label={t("operators.matrix.denied")} />
      ),
  }));
  const columns: TableColumnsType<PermissionRow> = [
    {
      title: t("operators.matrix.permission"),
      dataIndex: "permission",
      fixed: "left",
      width: 260,
      render: (permission: Permission) => (
        <span>
          {t(`operators.permission.${permission}`)} <Typography.Text type="secondary" code>{permission}</Typography.Text>
        </span>
      ),
    },
    ...roleColumns,
  ];
  return (
    <div data-testid="role-matrix">
      <Table<PermissionRow>
        rowKey="permission"
        size="small"
        columns={columns}
        dataSource={props.roles ? buildPermissionRows(props.roles) : []}
        loading={props.loading}
        pagination={false}
        scroll={{ x: 1000 }}
      />
    </div>
  );
}
