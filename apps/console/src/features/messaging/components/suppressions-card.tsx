import { CHANNELS, type Channel, type SuppressionEntryDto } from "@siyu/contracts";
import { App, Button, Card, Form, Input, Popconfirm, Select, Table, Typography } from "antd";
import { useState } from "react";
import { QueryErrorResult } from "../../../components/query-error-result";
import { formatDateTime } from "../../../lib/format/format-date-time";
import { useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { rowTestId } from "../../../lib/test-id";
import { useAddSuppression, useRemoveSuppression, useSuppressions } from "../api/messaging-api";

const ALL = "__all__";
type AddValues = { channel: Channel | typeof ALL; address: string; note: string };

export function SuppressionsCard(props: { workspaceId: string; canManage: boolean }) {
  const t = useT();
  const { message } = App.useApp();
  const { workspace } = useCurrentWorkspace();
  const list = useSuppressions(props.workspaceId);
  const add = useAddSuppression(props.workspaceId);
  const remove = useRemoveSuppression(props.workspaceId);
  const reportError = useReportApiError();
  const [form] = Form.useForm<AddValues>();
  const [removing, setRemoving] = useState<string | null>(null);

  const submit = (values: AddValues) =>
    add.mutate(
      { channel: values.channel === ALL ? null : values.channel, address: (values.address ?? "").trim(), note: values.note ?? "" },
      {
        onSuccess: () => {
          form.resetFields();
          void message.success(t("common.saved"));
        },
        onError: (error) => reportError(error, form, ["channel", "address", "note"]),
      },
    );

  return (
    <Card title={t("messaging.suppressions.title")} data-testid="suppressions-card">
      <Typography.Paragraph type="secondary">{t("messaging.suppressions.help")}</Typography.Paragraph>
      {props.canManage ? (
        <Form<AddValues> form={form} layout="inline" onFinish={submit} initialValues={{ channel: ALL, address: "", note: "" }} style={{ marginBottom: 16, rowGap: 8 }}>
          <Form.Item name="channel">
            <Select
              style={{ width: 220 }}
              options={[{ value: ALL, label: t("messaging.suppressions.allChannels") }, ...CHANNELS.map((c) => ({ value: c, label: t(`messaging.channel.${c}`) }))]}
              data-testid="suppression-channel"
            />
          </Form.Item>
          <Form.Item name="address" rules={[{ required: true, whitespace: true, message: t("common.validation.required") }]}>
            <Input placeholder={t("messaging.suppressions.address")} maxLength={320} style={{ width: 260 }} data-testid="suppression-address" />
          </Form.Item>
          <Form.Item name="note">
            <Input placeholder={t("messaging.suppressions.note")} maxLength={500} style={{ width: 220 }} data-testid="suppression-note" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={add.isPending} data-testid="suppression-add">
            {t("messaging.suppressions.add")}
          </Button>
        </Form>
      ) : null}
      {list.isError ? (
        <QueryErrorResult error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<SuppressionEntryDto>
          rowKey="id"
          size="small"
          loading={list.isLoading}
          dataSource={list.data?.items ?? []}
          locale={{ emptyText: t("messaging.suppressions.empty") }}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          onRow={(row) => rowTestId(`suppression-row-${row.id}`)}
          columns={[
            { title: t("messaging.suppressions.channel"), dataIndex: "channel", render: (c: Channel | null) => (c ? t(`messaging.channel.${c}`) : t("messaging.suppressions.allChannels")) },
            { title: t("messaging.suppressions.address"), dataIndex: "address", render: (a: string) => <Typography.Text copyable>{a}</Typography.Text> },
            { title: t("messaging.suppressions.note"), dataIndex: "note" },
            { title: t("common.createdAt"), dataIndex: "createdAt", render: (at: string) => formatDateTime(at, workspace.timezone) },
            ...(props.canManage
              ? [
                  {
                    title: t("common.actions"),
                    key: "actions",
                    width: 110,
                    render: (_: unknown, row: SuppressionEntryDto) => (
                      <Popconfirm
                        title={t("messaging.suppressions.confirmRemove", { address: row.address })}
                        onConfirm={() => {
                          setRemoving(row.id);
                          remove.mutate(row.id, { onError: (e) => reportError(e), onSettled: () => setRemoving(null) });
                        }}
                      >
                        <Button size="small" danger loading={removing === row.id} data-testid={`suppression-remove-${row.id}`}>
                          {t("messaging.suppressions.remove")}
                        </Button>
                      </Popconfirm>
                    ),
                  },
                ]
              : []),
          ]}
        />
      )}
    </Card>
  );
}
