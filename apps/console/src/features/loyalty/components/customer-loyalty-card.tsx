import type { CouponDto, PointsEntryDto } from "@siyu/contracts";
import { Button, Card, Flex, Form, Input, InputNumber, Statistic, Table, Tabs, Tag } from "antd";
import { useState } from "react";
import { useReportApiError } from "../../../lib/api";
import { useT, type MessageKey } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { CustomerCheckInsPanel } from "./customer-check-ins-panel";
import { CustomerCards, CustomerStoredValue } from "./customer-stored-value";
import { useAdjustPoints, useCustomerCoupons, useCustomerPoints, useCustomerPointsHistory, useCustomerTier } from "../api/customer-loyalty";

type AdjustValues = { delta: number; reason: string };

const COUPON_COLORS: Record<CouponDto["status"], string> = { available: "green", redeemed: "blue", expired: "default" };

/** Points balance and ledger, an adjustment form, and the customer's coupons; nothing without loyalty.read. */
export function CustomerLoyaltyCard(props: { profileId: string }) {
  const { can } = useCurrentWorkspace();
  return can("loyalty.read") ? <LoyaltyCard profileId={props.profileId} /> : null;
}

function LoyaltyCard(props: { profileId: string }) {
  const t = useT();
  const { workspaceId, can } = useCurrentWorkspace();
  const points = useCustomerPoints(workspaceId, props.profileId);
  const history = useCustomerPointsHistory(workspaceId, props.profileId);
  const coupons = useCustomerCoupons(workspaceId, props.profileId);
  const tier = useCustomerTier(workspaceId, props.profileId);
  const adjust = useAdjustPoints(workspaceId, props.profileId);
  const reportError = useReportApiError();
  const [form] = Form.useForm<AdjustValues>();
  // One key per form submission: a double click or a retried request adjusts once.
  const [attempt, setAttempt] = useState(() => crypto.randomUUID());

  const submit = (values: AdjustValues) =>
    adjust.mutate(
      { delta: values.delta, reason: values.reason, idempotencyKey: attempt },
      {
        onSuccess: () => {
          form.resetFields();
          setAttempt(crypto.randomUUID());
        },
        onError: (error) => reportError(error, form, ["delta", "reason"]),
      },
    );

  return (
    <Card title={t("loyalty.customer.title")} data-testid="customer-loyalty" loading={points.isLoading}>
      <Flex gap={32} wrap style={{ marginBottom: 16 }}>
        <Statistic title={t("loyalty.customer.available")} value={points.data?.available ?? 0} data-testid="points-available" />
        <Statistic title={t("loyalty.customer.pending")} value={points.data?.pending ?? 0} />
        <Statistic title={t("loyalty.customer.lifetime")} value={points.data?.lifetimeEarned ?? 0} />
        {tier.data ? (
          <Statistic
            title={t("loyalty.customer.tier")}
            value={tier.data.tier.name}
            data-testid="customer-tier"
            suffix={
              tier.data.next ? (
                <span style={{ fontSize: 12 }}>{t("loyalty.customer.toNext", { remaining: tier.data.next.remaining, name: tier.data.next.name })}</span>
              ) : null
            }
          />
        ) : null}
      </Flex>
      {can("loyalty.manage") ? (
        <Form<AdjustValues> form={form} layout="inline" onFinish={submit} style={{ marginBottom: 16 }} requiredMark={false}>
          <Form.Item name="delta" rules={[{ required: true, message: t("loyalty.customer.deltaRequired") }]}>
            <InputNumber<number> precision={0} placeholder={t("loyalty.customer.delta")} style={{ width: 140 }} data-testid="points-delta" />
          </Form.Item>
          <Form.Item name="reason" rules={[{ required: true, whitespace: true, message: t("loyalty.customer.reasonRequired") }]}>
            <Input maxLength={500} placeholder={t("loyalty.customer.reason")} data-testid="points-reason" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={adjust.isPending} data-testid="points-adjust">
            {t("loyalty.customer.adjust")}
          </Button>
        </Form>
      ) : null}
      <Tabs
        size="small"
        items={[
          {
            key: "entries",
            label: t("loyalty.customer.history"),
            children: (
              <Table<PointsEntryDto>
                size="small"
                rowKey="id"
                pagination={false}
                loading={history.isLoading}
                dataSource={history.data?.items ?? []}
                columns={[
                  { title: t("loyalty.customer.at"), dataIndex: "createdAt", render: (at: string) => new Date(at).toLocaleString() },
                  { title: t("loyalty.customer.kind"), dataIndex: "kind", render: (kind: PointsEntryDto["kind"]) => t(`loyalty.customer.kind.${kind}` as MessageKey) },
                  {
                    title: t("loyalty.customer.points"),
                    key: "points",
                    align: "right",
                    render: (_: unknown, e: PointsEntryDto) => (e.delta !== 0 ? e.delta : `${e.pendingDelta} (${t("loyalty.customer.pending")})`),
                  },
                  { title: t("loyalty.customer.reason"), dataIndex: "reason", render: (reason: string | null, e: PointsEntryDto) => reason ?? e.orderId ?? "" },
                ]}
              />
            ),
          },
          {
            key: "coupons",
            label: t("loyalty.customer.coupons"),
            children: (
              <Table<CouponDto>
                size="small"
                rowKey="id"
                pagination={false}
                loading={coupons.isLoading}
                dataSource={coupons.data?.items ?? []}
                data-testid="customer-coupons"
                columns={[
                  { title: t("loyalty.customer.code"), dataIndex: "code" },
                  { title: t("loyalty.customer.status"), dataIndex: "status", render: (s: CouponDto["status"]) => <Tag color={COUPON_COLORS[s]}>{t(`loyalty.customer.coupon.${s}`)}</Tag> },
                  { title: t("loyalty.customer.validUntil"), dataIndex: "validUntil", render: (at: string) => new Date(at).toLocaleDateString() },
                  { title: t("loyalty.customer.order"), dataIndex: "orderId", render: (id: string | null) => id ?? "" },
                ]}
              />
            ),
          },
          { key: "check-ins", label: t("loyalty.checkIns.tab"), children: <CustomerCheckInsPanel profileId={props.profileId} /> },
          { key: "stored-value", label: t("loyalty.sv.title"), children: <CustomerStoredValue profileId={props.profileId} /> },
          { key: "cards", label: t("loyalty.cards.title"), children: <CustomerCards profileId={props.profileId} /> },
        ]}
      />
    </Card>
  );
}
