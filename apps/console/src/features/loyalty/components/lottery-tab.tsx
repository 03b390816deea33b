import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { PRIZE_KINDS, type LotteryCampaignDto } from "@siyu/contracts";
import { App, Button, DatePicker, Drawer, Flex, Form, Input, InputNumber, Modal, Popconfirm, Radio, Select, Space, Table, Tag, Typography } from "antd";
import { useMemo, useState } from "react";
import { EChart } from "../../../components/echart";
import { QueryErrorResult } from "../../../components/query-error-result";
import { useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useArchiveLottery, useCatalogueItems, useLotteries, useLotteryStats, useSaveLottery } from "../api/catalogue";
import { useCouponTemplates } from "../api/coupon-templates";
import { EMPTY_LOTTERY_FORM, LOTTERY_FORM_FIELDS, formToLottery, lotteryToForm, type LotteryFormValues } from "../catalogue-form-values";

/** Lottery campaigns: the list, an editor with the prizes, and each campaign's stats. */
export function LotteryTab() {
  const t = useT();
  const { message } = App.useApp();
  const { workspaceId, can } = useCurrentWorkspace();
  const lotteries = useLotteries(workspaceId);
  const templates = useCouponTemplates(workspaceId);
  const items = useCatalogueItems(workspaceId);
  const save = useSaveLottery(workspaceId);
  const archive = useArchiveLottery(workspaceId);
  const reportError = useReportApiError();
  const [editing, setEditing] = useState<LotteryCampaignDto | "new" | null>(null);
  const [statsOf, setStatsOf] = useState<LotteryCampaignDto | null>(null);
  const [form] = Form.useForm<LotteryFormValues>();
  const prizes = Form.useWatch("prizes", form);
  const canManage = can("loyalty.manage");

  if (lotteries.isError) return <QueryErrorResult error={lotteries.error} onRetry={() => void lotteries.refetch()} />;

  const open = (c: LotteryCampaignDto | "new") => {
    form.resetFields();
    form.setFieldsValue(c === "new" ? EMPTY_LOTTERY_FORM : lotteryToForm(c));
    setEditing(c);
  };

  const submit = (values: LotteryFormValues) =>
    save.mutate(
      { id: editing === "new" || editing === null ? null : editing.id, body: formToLottery(values) },
      {
        onSuccess: () => {
          void message.success(t("common.saved"));
          setEditing(null);
        },
        onError: (error) => reportError(error, form, LOTTERY_FORM_FIELDS),
      },
    );

  const window = (c: LotteryCampaignDto) =>
    c.startsAt || c.endsAt ? `${c.startsAt ? new Date(c.startsAt).toLocaleDateString() : "…"} – ${c.endsAt ? new Date(c.endsAt).toLocaleDateString() : "…"}` : t("loyalty.lottery.always");

  return (
    <>
      <Flex justify="flex-end" style={{ marginBottom: 12 }}>
        {canManage ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => open("new")} data-testid="lottery-new">
            {t("loyalty.lottery.new")}
          </Button>
        ) : null}
      </Flex>
      <Table<LotteryCampaignDto>
        rowKey="id"
        loading={lotteries.isLoading}
        dataSource={lotteries.data?.items ?? []}
        pagination={false}
        data-testid="lotteries"
        columns={[
          { title: t("loyalty.lottery.name"), dataIndex: "name" },
          { title: t("loyalty.lottery.pointsCost"), dataIndex: "pointsCost" },
          { title: t("loyalty.lottery.prizes"), key: "prizes", render: (_: unknown, row) => row.prizes.map((p) => p.name).join(" · ") },
          { title: t("loyalty.lottery.window"), key: "window", render: (_: unknown, row) => window(row) },
          { title: t("common.status"), dataIndex: "status", render: (s: LotteryCampaignDto["status"]) => <Tag color={s === "active" ? "green" : "default"}>{t(`loyalty.status.${s}`)}</Tag> },
          {
            title: "",
            key: "actions",
            render: (_: unknown, row: LotteryCampaignDto) => (
              <Space>
                <Button size="small" onClick={() => setStatsOf(row)} data-testid={`lottery-stats-${row.name}`}>
                  {t("loyalty.lottery.stats")}
                </Button>
                {canManage ? (
                  <>
                    <Button size="small" onClick={() => open(row)}>
                      {t("common.edit")}
                    </Button>
                    <Popconfirm title={t("loyalty.lottery.archiveConfirm")} onConfirm={() => archive.mutate(row.id, { onError: (e) => reportError(e) })}>
                      <Button size="small" danger>
                        {t("loyalty.lottery.archive")}
                      </Button>
                    </Popconfirm>
                  </>
                ) : null}
              </Space>
            ),
          },
        ]}
      />
      <Drawer
        open={editing !== null}
        onClose={() => setEditing(null)}
        width={720}
        title={t(editing === "new" ? "loyalty.lottery.new" : "loyalty.lottery.edit")}
        destroyOnHidden
        extra={
          <Flex gap={8}>
            <Button onClick={() => setEditing(null)}>{t("common.cancel")}</Button>
            <Button type="primary" loading={save.isPending} onClick={() => form.submit()} data-testid="lottery-save">
              {t("common.save")}
            </Button>
          </Flex>
        }
      >
        <Form<LotteryFormValues> form={form} layout="vertical" requiredMark={false} onFinish={submit} initialValues={EMPTY_LOTTERY_FORM}>
          <Form.Item name="name" label={t("loyalty.lottery.name")} rules={[{ required: true, whitespace: true, message: t("loyalty.validation.required") }]}>
            <Input maxLength={200} data-testid="lottery-name" />
          </Form.Item>
          <Space wrap>
            <Form.Item name="pointsCost" label={t("loyalty.lottery.pointsCost")}>
              <InputNumber<number> min={0} precision={0} />
            </Form.Item>
            <Form.Item name="perMemberDailyLimit" label={t("loyalty.lottery.perMemberDailyLimit")}>
              <InputNumber<number> min={1} precision={0} />
            </Form.Item>
            <Form.Item name="perMemberLimit" label={t("loyalty.lottery.perMemberLimit")}>
              <InputNumber<number> min={1} precision={0} />
            </Form.Item>
          </Space>
          <Form.Item
            name="range"
            label={t("loyalty.lottery.window")}
            getValueProps={() => ({})}
            normalize={(value: [{ toISOString(): string }, { toISOString(): string }] | null) => (value ? [value[0].toISOString(), value[1].toISOString()] : undefined)}
          >
            <DatePicker.RangePicker showTime />
          </Form.Item>
          <Form.Item name="status" label={t("common.status")}>
            <Radio.Group optionType="button" options={(["active", "paused"] as const).map((s) => ({ value: s, label: t(`loyalty.status.${s}`) }))} />
          </Form.Item>
          <Typography.Title level={5}>{t("loyalty.lottery.prizes")}</Typography.Title>
          <Form.List name="prizes">
            {(fields, { add, remove }) => (
              <>
                {fields.map((field) => {
                  const kind = prizes?.[field.name]?.kind;
                  return (
                    <Space key={field.key} align="start" wrap>
                      <Form.Item name={[field.name, "name"]} label={t("loyalty.lottery.prize.name")} rules={[{ required: true, whitespace: true, message: t("loyalty.validation.required") }]}>
                        <Input style={{ width: 140 }} maxLength={200} />
                      </Form.Item>
                      <Form.Item name={[field.name, "kind"]} label={t("loyalty.lottery.prize.kind")}>
                        <Select style={{ width: 110 }} options={PRIZE_KINDS.map((k) => ({ value: k, label: t(`loyalty.lottery.prize.kind.${k}`) }))} />
                      </Form.Item>
                      {kind === "points" ? (
                        <Form.Item name={[field.name, "points"]} label={t("loyalty.lottery.prize.points")}>
                          <InputNumber<number> min={1} precision={0} style={{ width: 90 }} />
                        </Form.Item>
                      ) : null}
                      {kind === "coupon" ? (
                        <Form.Item name={[field.name, "templateId"]} label={t("loyalty.lottery.prize.template")}>
                          <Select style={{ width: 150 }} options={(templates.data?.items ?? []).map((tpl) => ({ value: tpl.id, label: tpl.name }))} />
                        </Form.Item>
                      ) : null}
                      {kind === "goods" ? (
                        <Form.Item name={[field.name, "itemId"]} label={t("loyalty.lottery.prize.item")}>
                          <Select style={{ width: 150 }} options={(items.data?.items ?? []).filter((i) => i.kind === "goods").map((i) => ({ value: i.id, label: i.name }))} />
                        </Form.Item>
                      ) : null}
                      <Form.Item name={[field.name, "weight"]} label={t("loyalty.lottery.prize.weight")}>
                        <InputNumber<number> min={0} precision={0} style={{ width: 80 }} />
                      </Form.Item>
                      {kind !== "none" ? (
                        <Form.Item name={[field.name, "stock"]} label={t("loyalty.lottery.prize.stock")}>
                          <InputNumber<number> min={0} precision={0} style={{ width: 80 }} placeholder="∞" />
                        </Form.Item>
                      ) : null}
                      <Button type="text" icon={<DeleteOutlined />} onClick={() => remove(field.name)} style={{ marginTop: 30 }} />
                    </Space>
                  );
                })}
                <Button icon={<PlusOutlined />} onClick={() => add({ name: "", kind: "points", points: 10, weight: 10 })} data-testid="lottery-prize-add">
                  {t("loyalty.lottery.prize.add")}
                </Button>
              </>
            )}
          </Form.List>
        </Form>
      </Drawer>
      <LotteryStatsModal campaign={statsOf} onClose={() => setStatsOf(null)} />
    </>
  );
}

function LotteryStatsModal(props: { campaign: LotteryCampaignDto | null; onClose: () => void }) {
  const t = useT();
  const { workspaceId } = useCurrentWorkspace();
  const stats = useLotteryStats(workspaceId, props.campaign?.id ?? null);
  const option = useMemo(
    () => ({
      tooltip: {},
      grid: { left: 100, right: 20, top: 10, bottom: 20 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: (stats.data?.prizes ?? []).map((p) => p.name) },
      series: [{ type: "bar", data: (stats.data?.prizes ?? []).map((p) => p.awarded) }],
    }),
    [stats.data],
  );
  return (
    <Modal open={props.campaign !== null} title={t("loyalty.lottery.stats")} onCancel={props.onClose} footer={null} width={640} destroyOnHidden>
      {stats.data ? (
        <>
          <Typography.Paragraph data-testid="lottery-stats-summary">
            {t("loyalty.lottery.stats.title", { name: props.campaign?.name ?? "", draws: stats.data.draws, members: stats.data.members, points: stats.data.pointsSpent })}
          </Typography.Paragraph>
          <EChart option={option} style={{ height: 40 + 32 * stats.data.prizes.length }} />
          <Table
            rowKey={(p) => p.prizeId ?? "none"}
            size="small"
            pagination={false}
            dataSource={stats.data.prizes}
            columns={[
              { title: t("loyalty.lottery.prize.name"), dataIndex: "name" },
              { title: t("loyalty.lottery.prize.kind"), dataIndex: "kind", render: (k: (typeof PRIZE_KINDS)[number]) => t(`loyalty.lottery.prize.kind.${k}`) },
              { title: t("loyalty.lottery.stats.awarded"), dataIndex: "awarded" },
              { title: t("loyalty.lottery.stats.left"), dataIndex: "stock", render: (s: number | null) => s ?? "∞" },
            ]}
          />
        </>
      ) : stats.isError ? (
        <QueryErrorResult error={stats.error} onRetry={() => void stats.refetch()} />
      ) : null}
    </Modal>
  );
}
