import { REDEMPTION_STATUSES, type RedemptionOrderDto } from "@siyu/contracts";
import { App, Button, Flex, Form, Input, Modal, Radio, Select, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { Link } from "react-router";
import { QueryErrorResult } from "../../../components/query-error-result";
import { useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useCancelRedemption, useFulfilRedemption, useRedemptions } from "../api/catalogue";

const STATUS_COLOR: Record<RedemptionOrderDto["status"], string> = { awaiting_payment: "orange", pending: "blue", fulfilled: "green", cancelled: "default" };

/** Redemption orders, newest first, with fulfil (shipped / picked up, with a note) and cancel (everything back). */
export function RedemptionsTable() {
  const t = useT();
  const { message } = App.useApp();
  const { workspaceId, can } = useCurrentWorkspace();
  const [status, setStatus] = useState<string | null>(null);
  const redemptions = useRedemptions(workspaceId, status);
  const fulfil = useFulfilRedemption(workspaceId);
  const cancel = useCancelRedemption(workspaceId);
  const reportError = useReportApiError();
  const [fulfilling, setFulfilling] = useState<RedemptionOrderDto | null>(null);
  const [cancelling, setCancelling] = useState<RedemptionOrderDto | null>(null);
  const [fulfilForm] = Form.useForm<{ fulfilment: "shipped" | "picked_up"; note?: string }>();
  const [cancelForm] = Form.useForm<{ reason: string }>();
  const canManage = can("loyalty.manage");

  if (redemptions.isError) return <QueryErrorResult error={redemptions.error} onRetry={() => void redemptions.refetch()} />;

  const done = (close: () => void) => () => {
    void message.success(t("common.saved"));
    close();
  };

  return (
    <>
      <Flex justify="space-between" align="center" style={{ margin: "24px 0 12px" }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t("loyalty.redemptions.title")}
        </Typography.Title>
        <Select
          style={{ width: 180 }}
          value={status ?? ""}
          onChange={(v: string) => setStatus(v === "" ? null : v)}
          options={[{ value: "", label: t("loyalty.redemptions.allStatuses") }, ...REDEMPTION_STATUSES.map((s) => ({ value: s, label: t(`loyalty.redemptions.status.${s}`) }))]}
        />
      </Flex>
      <Table<RedemptionOrderDto>
        rowKey="id"
        size="small"
        loading={redemptions.isLoading}
        dataSource={redemptions.data?.items ?? []}
        pagination={false}
        data-testid="catalogue-redemptions"
        columns={[
          { title: t("loyalty.redemptions.when"), dataIndex: "createdAt", render: (v: string) => new Date(v).toLocaleString() },
          { title: t("loyalty.redemptions.item"), dataIndex: "itemName" },
          { title: t("loyalty.redemptions.customer"), dataIndex: "profileId", render: (id: string) => <Link to={`/w/${workspaceId}/customers/${id}`}>{id.slice(-8)}</Link> },
          { title: t("loyalty.redemptions.source"), dataIndex: "source", render: (s: RedemptionOrderDto["source"]) => t(`loyalty.redemptions.source.${s}`) },
          { title: t("loyalty.catalogue.pointsCost"), dataIndex: "pointsCost" },
          {
            title: t("common.status"),
            key: "status",
            render: (_: unknown, row) => (
              <Space size={4} direction="vertical">
                <Tag color={STATUS_COLOR[row.status]} data-testid={`redemption-status-${row.id}`}>
                  {t(`loyalty.redemptions.status.${row.status}`)}
                </Tag>
                {row.fulfilment ? (
                  <Typography.Text type="secondary">
                    {t(`loyalty.redemptions.fulfilment.${row.fulfilment}`)}
                    {row.note ? `: ${row.note}` : ""}
                  </Typography.Text>
                ) : null}
              </Space>
            ),
          },
          ...(canManage
            ? [
                {
                  title: "",
                  key: "actions",
                  render: (_: unknown, row: RedemptionOrderDto) => (
                    <Space>
                      <Button size="small" disabled={row.status !== "pending"} onClick={() => setFulfilling(row)} data-testid={`redemption-fulfil-${row.id}`}>
                        {t("loyalty.redemptions.fulfil")}
                      </Button>
                      <Button size="small" danger disabled={row.status !== "pending" && row.status !== "awaiting_payment"} onClick={() => setCancelling(row)}>
                        {t("loyalty.redemptions.cancel")}
                      </Button>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Modal
        open={fulfilling !== null}
        title={`${t("loyalty.redemptions.fulfil")}: ${fulfilling?.itemName ?? ""}`}
        onCancel={() => setFulfilling(null)}
        onOk={() => fulfilForm.submit()}
        okButtonProps={{ loading: fulfil.isPending, ...{ "data-testid": "redemption-fulfil-ok" } }}
        destroyOnHidden
      >
        <Form
          form={fulfilForm}
          layout="vertical"
          initialValues={{ fulfilment: "picked_up" }}
          onFinish={(v) =>
            fulfilling && fulfil.mutate({ id: fulfilling.id, body: { fulfilment: v.fulfilment, note: v.note?.trim() || null } }, { onSuccess: done(() => setFulfilling(null)), onError: (e) => reportError(e, fulfilForm, ["fulfilment", "note"]) })
          }
        >
          <Form.Item name="fulfilment" label={t("loyalty.redemptions.fulfilment")}>
            <Radio.Group options={(["picked_up", "shipped"] as const).map((f) => ({ value: f, label: t(`loyalty.redemptions.fulfilment.${f}`) }))} />
          </Form.Item>
          <Form.Item name="note" label={t("loyalty.redemptions.note")}>
            <Input maxLength={500} data-testid="redemption-note" />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={cancelling !== null}
        title={`${t("loyalty.redemptions.cancel")}: ${cancelling?.itemName ?? ""}`}
        onCancel={() => setCancelling(null)}
        onOk={() => cancelForm.submit()}
        okButtonProps={{ loading: cancel.isPending, danger: true }}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t("loyalty.redemptions.cancelHelp")}</Typography.Paragraph>
        <Form
          form={cancelForm}
          layout="vertical"
          onFinish={(v) => cancelling && cancel.mutate({ id: cancelling.id, body: { reason: v.reason } }, { onSuccess: done(() => setCancelling(null)), onError: (e) => reportError(e, cancelForm, ["reason"]) })}
        >
          <Form.Item name="reason" label={t("loyalty.redemptions.cancelReason")} rules={[{ required: true, whitespace: true, message: t("loyalty.validation.required") }]}>
            <Input maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
