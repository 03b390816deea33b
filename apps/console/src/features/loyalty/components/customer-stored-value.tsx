import type { MemberCardDto, StoredValueTransactionDto } from "@siyu/contracts";
import { Button, Flex, Form, Input, InputNumber, Popconfirm, Statistic, Table, Tag } from "antd";
import { useState } from "react";
import { useReportApiError } from "../../../lib/api";
import { useT, type MessageKey } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useCustomerCards, useCustomerStoredValue, useCustomerStoredValueHistory, useRefundTopUp, useTopUp } from "../api/loyalty-value";
import { useMoney } from "../use-money";

type TopUpValues = { amount: number; reference: string };

/** The customer's stored value (principal, bonus), a top-up form, the transactions with a refund action on top-ups. */
export function CustomerStoredValue(props: { profileId: string }) {
  const t = useT();
  const { workspaceId, can } = useCurrentWorkspace();
  const { perUnit, money } = useMoney();
  const balance = useCustomerStoredValue(workspaceId, props.profileId);
  const history = useCustomerStoredValueHistory(workspaceId, props.profileId);
  const topUp = useTopUp(workspaceId, props.profileId);
  const refund = useRefundTopUp(workspaceId, props.profileId);
  const reportError = useReportApiError();
  const [form] = Form.useForm<TopUpValues>();
  // One key per submission: a double click tops up once.
  const [attempt, setAttempt] = useState(() => crypto.randomUUID());
  const refunded = new Set((history.data?.items ?? []).filter((x) => x.kind === "topup_refund").map((x) => x.reversesId));

  const submit = (v: TopUpValues) =>
    topUp.mutate(
      { amountMinor: Math.round(v.amount * perUnit), reference: v.reference, idempotencyKey: attempt },
      {
        onSuccess: () => {
          form.resetFields();
          setAttempt(crypto.randomUUID());
        },
        onError: (error) => reportError(error, form, ["amount", "reference"]),
      },
    );

  return (
    <Flex vertical gap={12}>
      <Flex gap={32} wrap>
        <Statistic title={t("loyalty.sv.total")} value={money(balance.data?.totalMinor ?? 0)} data-testid="stored-value-total" />
        <Statistic title={t("loyalty.sv.principal")} value={money(balance.data?.principalMinor ?? 0)} />
        <Statistic title={t("loyalty.sv.bonus")} value={money(balance.data?.bonusMinor ?? 0)} />
      </Flex>
      {can("loyalty.manage") ? (
        <Form<TopUpValues> form={form} layout="inline" onFinish={submit} requiredMark={false}>
          <Form.Item name="amount" rules={[{ required: true, message: t("loyalty.sv.amountRequired") }]}>
            <InputNumber<number> min={0.01} placeholder={t("loyalty.sv.amount")} style={{ width: 140 }} data-testid="topup-amount" />
          </Form.Item>
          <Form.Item name="reference" rules={[{ required: true, whitespace: true, message: t("loyalty.sv.referenceRequired") }]}>
            <Input maxLength={200} placeholder={t("loyalty.sv.reference")} data-testid="topup-reference" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={topUp.isPending} data-testid="topup-submit">
            {t("loyalty.sv.topUp")}
          </Button>
        </Form>
      ) : null}
      <Table<StoredValueTransactionDto>
        size="small"
        rowKey="id"
        pagination={false}
        loading={history.isLoading}
        dataSource={history.data?.items ?? []}
        data-testid="stored-value-history"
        columns={[
          { title: t("loyalty.customer.at"), dataIndex: "createdAt", render: (at: string) => new Date(at).toLocaleString() },
          { title: t("loyalty.customer.kind"), dataIndex: "kind", render: (k: StoredValueTransactionDto["kind"]) => t(`loyalty.sv.kind.${k}` as MessageKey) },
          { title: t("loyalty.sv.principal"), dataIndex: "principalMinor", align: "right", render: (v: number) => money(v) },
          { title: t("loyalty.sv.bonus"), dataIndex: "bonusMinor", align: "right", render: (v: number) => money(v) },
          { title: t("loyalty.customer.order"), key: "ref", render: (_: unknown, x: StoredValueTransactionDto) => x.orderId ?? x.reference ?? "" },
          {
            title: "",
            key: "actions",
            render: (_: unknown, x: StoredValueTransactionDto) =>
              can("loyalty.manage") && x.kind === "topup" && !refunded.has(x.id) ? (
                <Popconfirm
                  title={t("loyalty.sv.refundConfirm")}
                  onConfirm={() => refund.mutate({ topupId: x.id, reason: t("loyalty.sv.refundReason"), idempotencyKey: `console-refund:${x.id}` }, { onError: (e) => reportError(e) })}
                >
                  <Button size="small" type="link">
                    {t("loyalty.sv.refund")}
                  </Button>
                </Popconfirm>
              ) : null,
          },
        ]}
      />
    </Flex>
  );
}

const CARD_COLORS: Record<MemberCardDto["status"], string> = { active: "green", voided: "default", expired: "default" };

/** The customer's times and annual cards. */
export function CustomerCards(props: { profileId: string }) {
  const t = useT();
  const { workspaceId } = useCurrentWorkspace();
  const cards = useCustomerCards(workspaceId, props.profileId);
  return (
    <Table<MemberCardDto>
      size="small"
      rowKey="id"
      pagination={false}
      loading={cards.isLoading}
      dataSource={cards.data?.items ?? []}
      data-testid="customer-cards"
      columns={[
        { title: t("loyalty.cards.name"), dataIndex: "name" },
        { title: t("loyalty.customer.status"), dataIndex: "status", render: (s: MemberCardDto["status"]) => <Tag color={CARD_COLORS[s]}>{t(`loyalty.cards.status.${s}`)}</Tag> },
        {
          title: t("loyalty.cards.usesLeft"),
          key: "uses",
          render: (_: unknown, c: MemberCardDto) => (c.kind === "times" ? `${c.usesRemaining} / ${c.usesTotal}` : t("loyalty.cards.usedTimes", { count: c.usesCount })),
        },
        { title: t("loyalty.customer.validUntil"), dataIndex: "validUntil", render: (at: string) => new Date(at).toLocaleDateString() },
      ]}
    />
  );
}
