import type { StoreDto } from "@siyu/contracts";
import { Button, Popconfirm, Space, Table, Tag } from "antd";
import type { TableColumnsType } from "antd";
import { formatDateTime } from "../../../lib/format/format-date-time";
import { useT } from "../../../lib/i18n";

export function StoreListTable(props: {
  stores: readonly StoreDto[];
  loading: boolean;
  timeZone: string;
  canManage: boolean;
  deletingId: string | null;
  onEdit: (store: StoreDto) => void;
  onDelete: (store: StoreDto) => void;
}) {
  const t = useT();
  const columns: TableColumnsType<StoreDto> = [
    { title: t("stores.field.code"), dataIndex: "code", width: 120, render: (code: string) => <code>{code}</code> },
    { title: t("stores.field.name"), dataIndex: "name" },
    { title: t("stores.field.city"), dataIndex: "city", width: 120 },
    { title: t("stores.field.address"), dataIndex: "address", ellipsis: true, render: (v: string | null) => v ?? "—" },
    { title: t("stores.field.phone"), dataIndex: "phone", width: 150, render: (v: string | null) => v ?? "—" },
    {
      title: t("common.status"),
      dataIndex: "status",
      width: 100,
      render: (status: StoreDto["status"]) => (
        <Tag color={status === "open" ? "green" : "default"}>{t(`stores.status.${status}`)}</Tag>
      ),
    },
    {
      title: t("common.updatedAt"),
      dataIndex: "updatedAt",
      width: 180,
      render: (at: string) => formatDateTime(at, props.timeZone),
    },
  ];
  if (props.canManage) {
    columns.push({
      title: t("common.actions"),
      key: "actions",
      width: 150,
      render: (_value, store) => (
        <Space size={0}>
          <Button type="link" size="small" onClick={() => props.onEdit(store)} data-testid={`store-edit-${store.code}`}>
            {t("common.edit")}
          </Button>
          <Popconfirm
            title={t("stores.delete.confirm", { name: store.name })}
            description={t("stores.delete.hint")}
            okText={t("common.delete")}
            cancelText={t("common.cancel")}
            okButtonProps={{ danger: true }}
            onConfirm={() => props.onDelete(store)}
          >
            <Button type="link" size="small" danger loading={props.deletingId === store.id}>
              {t("common.delete")}
            </Button>
          </Popconfirm>
        </Space>
      ),
    });
  }
  return (
    <div data-testid="store-table">
      <Table<StoreDto>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={[...props.stores]}
        loading={props.loading}
        pagination={false}
        scroll={{ x: 960 }}
      />
    </div>
  );
}
