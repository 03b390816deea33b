import { PlusOutlined } from "@ant-design/icons";
import { Alert, App, Button, Card, DatePicker, Form, Input, InputNumber, Modal, Popconfirm, Segmented, Select, Space, Table } from "antd";
import type { AcquisitionCostDto, CampaignRoiRowDto, RoiCredit } from "@siyu/contracts";
import dayjs, { type Dayjs } from "dayjs";
import { useMemo, useState } from "react";
import { EChart } from "../../../components/echart";
import { PageHeader } from "../../../components/page-header";
import { QueryErrorResult } from "../../../components/query-error-result";
import { useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useCampaignRoi, useCosts, useDeleteCost, useSaveCost, useStoreOptions } from "../api/get-dashboard";
import { localToday, presetPeriod, type PeriodPreset } from "../dashboard-model";
import { ChartCard } from "./chart-card";
import { useMetricFormat } from "./use-metric-format";

type RoiPreset = Exclude<PeriodPreset, "custom">;

/** Acquisition costs (entered per channel or campaign and period) and the ROI table they feed. */
export function CampaignsPage() {
  const t = useT();
  const { workspaceId, workspace, can } = useCurrentWorkspace();
  const [preset, setPreset] = useState<RoiPreset>("last30");
  const [credit, setCredit] = useState<RoiCredit>("order");
  const [lookbackDays, setLookbackDays] = useState(30);
  const period = presetPeriod(preset, localToday(new Date(), workspace.timezone));
  const roi = useCampaignRoi(workspaceId, { ...period, credit, lookbackDays });
  const costs = useCosts(workspaceId);
  const [editing, setEditing] = useState<AcquisitionCostDto | "new" | null>(null);
  return (
    <>
      <PageHeader
        title={t("dashboard.campaigns.title")}
        description={t("dashboard.campaigns.description")}
        extra={
          can("analytics.manage") ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing("new")} data-testid="cost-add">
              {t("dashboard.campaigns.add")}
            </Button>
          ) : null
        }
      />
      <Space direction="vertical" size={16} style={{ width: "100%" }}>
        {!can("analytics.manage") ? <Alert type="info" showIcon message={t("dashboard.campaigns.readOnly")} /> : null}
        <Space wrap size={16}>
          <Segmented<RoiPreset>
            value={preset}
            onChange={setPreset}
            options={(["last7", "last30", "last90", "thisMonth"] as const).map((p) => ({ value: p, label: t(`dashboard.period.${p}`) }))}
          />
          <Space>
            {t("dashboard.campaigns.credit")}
            <Segmented<RoiCredit>
              value={credit}
              onChange={setCredit}
              options={(["order", "lastTouch"] as const).map((c) => ({ value: c, label: t(`dashboard.campaigns.credit.${c}`) }))}
              data-testid="roi-credit"
            />
          </Space>
          {credit === "lastTouch" ? (
            <Space>
              {t("dashboard.campaigns.lookbackDays")}
              <InputNumber min={1} max={365} value={lookbackDays} onChange={(v) => v !== null && setLookbackDays(v)} style={{ width: 90 }} data-testid="roi-lookback" />
            </Space>
          ) : null}
        </Space>
        <Alert type="info" showIcon message={t(`dashboard.campaigns.creditHelp.${credit}`, { days: lookbackDays })} data-testid="roi-credit-help" />
        {roi.isError ? <QueryErrorResult error={roi.error} onRetry={() => void roi.refetch()} /> : <RoiCard rows={roi.data?.rows ?? []} fileName={`roi-${period.from}_${period.to}.csv`} />}
        <CostsCard costs={costs.data?.items ?? []} loading={costs.isLoading} onEdit={setEditing} />
      </Space>
      {editing ? <CostModal cost={editing === "new" ? null : editing} onClose={() => setEditing(null)} /> : null}
    </>
  );
}

function RoiCard({ rows, fileName }: { rows: CampaignRoiRowDto[]; fileName: string }) {
  const t = useT();
  const { format, moneyPer } = useMetricFormat();
  const kind = (k: string) => t(`dashboard.kind.${k}` as "dashboard.kind.channel");
  const option = useMemo(() => {
    const withRoi = rows.filter((r) => r.roi !== null);
    return {
      animation: false,
      tooltip: { trigger: "axis" },
      grid: { left: 120, right: 24, top: 16, bottom: 24 },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: withRoi.map((r) => `${r.key}`) },
      series: [{ type: "bar", data: withRoi.map((r) => Number(r.roi!.toFixed(3))), itemStyle: { color: "#69b1ff" } }],
    };
  }, [rows]);
  const tableRows = rows.map((r) => ({
    kind: r.kind,
    key: r.key,
    cost: r.costMinor / moneyPer,
    revenue: r.revenueMinor / moneyPer,
    orders: r.orders,
    roi: r.roi,
    margin: r.marginContributionMinor / moneyPer,
  }));
  return (
    <ChartCard
      title={t("dashboard.campaigns.roi")}
      testId="roi"
      fileName={fileName}
      rowKey={(r) => `${r.kind}:${r.key}`}
      chart={<EChart option={option} style={{ height: Math.max(160, 28 * rows.filter((r) => r.roi !== null).length + 48) }} data-testid="roi-chart" />}
      rows={tableRows}
      columns={[
        { key: "kind", title: t("dashboard.kind"), render: (v) => kind(String(v)) },
        { key: "key", title: t("dashboard.key") },
        { key: "cost", title: t("dashboard.cost"), render: (v) => format("money", Number(v) * moneyPer) },
        { key: "revenue", title: t("dashboard.campaigns.revenue"), render: (v) => format("money", Number(v) * moneyPer) },
        { key: "orders", title: t("dashboard.campaigns.orders") },
        { key: "roi", title: t("dashboard.campaigns.roiValue"), render: (v) => format("share", v === null ? null : Number(v)) },
        { key: "margin", title: t("dashboard.campaigns.margin"), render: (v) => format("money", Number(v) * moneyPer) },
      ]}
    />
  );
}

function CostsCard(props: { costs: AcquisitionCostDto[]; loading: boolean; onEdit: (cost: AcquisitionCostDto) => void }) {
  const t = useT();
  const { workspaceId, can } = useCurrentWorkspace();
  const { format } = useMetricFormat();
  const remove = useDeleteCost(workspaceId);
  const report = useReportApiError();
  return (
    <Card title={t("dashboard.campaigns.costs")}>
      <Table
        size="small"
        rowKey="id"
        loading={props.loading}
        dataSource={props.costs}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        data-testid="costs-table"
        columns={[
          { key: "kind", title: t("dashboard.kind"), render: (_, c) => t(`dashboard.kind.${c.kind}`) },
          { key: "key", title: t("dashboard.key"), dataIndex: "key" },
          { key: "days", title: t("dashboard.campaigns.days"), render: (_, c) => `${c.from} – ${c.to}` },
          { key: "amount", title: t("dashboard.campaigns.amount"), render: (_, c) => format("money", c.amountMinor) },
          { key: "note", title: t("dashboard.campaigns.noteLabel"), dataIndex: "note" },
          ...(can("analytics.manage")
            ? [
                {
                  key: "actions",
                  title: "",
                  render: (_: unknown, c: AcquisitionCostDto) => (
                    <Space>
                      <Button size="small" type="link" onClick={() => props.onEdit(c)}>
                        {t("dashboard.campaigns.edit")}
                      </Button>
                      <Popconfirm title={t("dashboard.campaigns.deleteConfirm")} onConfirm={() => remove.mutateAsync(c.id).catch(report)}>
                        <Button size="small" type="link" danger>
                          {t("dashboard.campaigns.delete")}
                        </Button>
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
    </Card>
  );
}

interface CostForm {
  kind: "channel" | "campaign";
  key: string;
  days: [Dayjs, Dayjs];
  amount: number;
  storeId: string;
  note?: string;
}

function CostModal(props: { cost: AcquisitionCostDto | null; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const { workspaceId } = useCurrentWorkspace();
  const { moneyPer } = useMetricFormat();
  const stores = useStoreOptions(workspaceId);
  const save = useSaveCost(workspaceId);
  const report = useReportApiError();
  const [form] = Form.useForm<CostForm>();
  const c = props.cost;
  const initial: Partial<CostForm> = c
    ? { kind: c.kind, key: c.key, days: [dayjs(c.from), dayjs(c.to)], amount: c.amountMinor / moneyPer, storeId: c.storeId ?? "", note: c.note ?? undefined }
    : { kind: "channel", storeId: "" };
  const submit = async (v: CostForm) => {
    try {
      await save.mutateAsync({
        id: c?.id,
        body: {
          kind: v.kind,
          key: v.key,
          from: v.days[0].format("YYYY-MM-DD"),
          to: v.days[1].format("YYYY-MM-DD"),
          amountMinor: Math.round(v.amount * moneyPer),
          storeId: v.storeId === "" ? null : v.storeId,
          note: v.note?.trim() ? v.note.trim() : null,
        },
      });
      void message.success(t("dashboard.campaigns.saved"));
      props.onClose();
    } catch (error) {
      report(error);
    }
  };
  return (
    <Modal open title={c ? t("dashboard.campaigns.edit") : t("dashboard.campaigns.add")} onCancel={props.onClose} onOk={() => form.submit()} confirmLoading={save.isPending} data-testid="cost-modal">
      <Form form={form} layout="vertical" initialValues={initial} onFinish={(v) => void submit(v)}>
        <Form.Item name="kind" label={t("dashboard.kind")} rules={[{ required: true }]}>
          <Select options={[{ value: "channel", label: t("dashboard.kind.channel") }, { value: "campaign", label: t("dashboard.kind.campaign") }]} />
        </Form.Item>
        <Form.Item name="key" label={t("dashboard.key")} rules={[{ required: true, whitespace: true }]}>
          <Input maxLength={120} data-testid="cost-key" />
        </Form.Item>
        <Form.Item name="days" label={t("dashboard.campaigns.days")} rules={[{ required: true }]}>
          <DatePicker.RangePicker style={{ width: "100%" }} />
        </Form.Item>
        <Form.Item name="amount" label={t("dashboard.campaigns.amount")} rules={[{ required: true }]}>
          <InputNumber min={0} style={{ width: "100%" }} data-testid="cost-amount" />
        </Form.Item>
        <Form.Item name="storeId" label={t("dashboard.campaigns.store")}>
          <Select options={[{ value: "", label: t("dashboard.allStores") }, ...(stores.data?.items ?? []).map((s) => ({ value: s.id, label: `${s.code} ${s.name}` }))]} />
        </Form.Item>
        <Form.Item name="note" label={t("dashboard.campaigns.noteLabel")}>
          <Input.TextArea maxLength={500} rows={2} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
