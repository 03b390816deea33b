import { FileTextOutlined, FundOutlined } from "@ant-design/icons";
import { Button, Card, Col, DatePicker, Flex, Row, Segmented, Select, Space, Switch, Table, Typography } from "antd";
import type { DashboardDto } from "@siyu/contracts";
import dayjs from "dayjs";
import { useCallback, useMemo, useState } from "react";
import { Link } from "react-router";
import { EChart } from "../../../components/echart";
import { PageHeader } from "../../../components/page-header";
import { QueryErrorResult } from "../../../components/query-error-result";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useDashboard, useStoreOptions } from "../api/get-dashboard";
import { buildTrendOption, localToday, metricsCsv, PERIOD_PRESETS, presetPeriod, trendRows, type Period, type PeriodPreset } from "../dashboard-model";
import { ChartCard } from "./chart-card";
import { KpiCard } from "./kpi-card";
import { useMetricFormat } from "./use-metric-format";
import { downloadTextFile } from "../../../lib/download";

/** The Overview: the KPI dashboard with its period picker, store filter, cards and trend. */
export function OverviewPage() {
  const t = useT();
  const { workspaceId, workspace, storeIds } = useCurrentWorkspace();
  const today = localToday(new Date(), workspace.timezone);
  const [preset, setPreset] = useState<PeriodPreset>("last30");
  const [custom, setCustom] = useState<Period>(() => presetPeriod("last30", today));
  const [compare, setCompare] = useState(true);
  const stores = useStoreOptions(workspaceId);
  // A store manager sees their own stores only, and must pick one.
  const [storeId, setStoreId] = useState<string | undefined>(storeIds.length > 0 ? storeIds[0] : undefined);
  const period = preset === "custom" ? custom : presetPeriod(preset, today);
  const dashboard = useDashboard(workspaceId, { ...period, ...(storeId ? { storeId } : {}) });

  return (
    <>
      <PageHeader
        title={t("dashboard.title")}
        description={t("dashboard.description")}
        extra={
          <>
            <Link to="campaigns">
              <Button icon={<FundOutlined />} data-testid="dashboard-campaigns-link">{t("dashboard.campaigns")}</Button>
            </Link>
            <Link to="weekly">
              <Button icon={<FileTextOutlined />} data-testid="dashboard-weekly-link">{t("dashboard.weekly")}</Button>
            </Link>
          </>
        }
      />
      <Flex gap={12} wrap align="center" style={{ marginBottom: 16 }}>
        <Segmented<PeriodPreset>
          value={preset}
          onChange={setPreset}
          options={PERIOD_PRESETS.map((p) => ({ value: p, label: <span data-testid={`period-${p}`}>{t(`dashboard.period.${p}`)}</span> }))}
        />
        {preset === "custom" ? (
          <DatePicker.RangePicker
            allowClear={false}
            value={[dayjs(custom.from), dayjs(custom.to)]}
            onChange={(range) => range?.[0] && range[1] && setCustom({ from: range[0].format("YYYY-MM-DD"), to: range[1].format("YYYY-MM-DD") })}
            data-testid="period-range"
          />
        ) : null}
        <Select
          style={{ minWidth: 180 }}
          value={storeId ?? ""}
          onChange={(v) => setStoreId(v === "" ? undefined : v)}
          loading={stores.isLoading}
          data-testid="dashboard-store"
          options={[
            ...(storeIds.length === 0 ? [{ value: "", label: t("dashboard.allStores") }] : []),
            ...(stores.data?.items ?? []).map((s) => ({ value: s.id, label: `${s.code} ${s.name}` })),
          ]}
        />
        <Space>
          <Switch checked={compare} onChange={setCompare} data-testid="dashboard-compare" />
          <Typography.Text>{t("dashboard.compare")}</Typography.Text>
        </Space>
        {dashboard.data ? (
          <Typography.Text type="secondary" data-testid="dashboard-period">
            {dashboard.data.period.from} – {dashboard.data.period.to}
            {compare ? ` · ${t("dashboard.previousPeriod", { from: dashboard.data.previousPeriod.from, to: dashboard.data.previousPeriod.to })}` : ""}
          </Typography.Text>
        ) : null}
      </Flex>
      {dashboard.isError ? (
        <QueryErrorResult error={dashboard.error} onRetry={() => void dashboard.refetch()} />
      ) : !dashboard.data ? (
        <Card loading />
      ) : (
        <DashboardBody data={dashboard.data} compare={compare} />
      )}
    </>
  );
}

function DashboardBody({ data, compare }: { data: DashboardDto; compare: boolean }) {
  const t = useT();
  const { format, moneyPer } = useMetricFormat();
  const label = useCallback((key: string) => t(`dashboard.metric.${key}` as "dashboard.metric.gmv"), [t]);
  const option = useMemo(
    () =>
      buildTrendOption(
        data.metrics,
        { gmv: label("gmv"), orders: label("orders"), activeMembers: label("activeMembers"), countAxis: t("dashboard.countAxis"), moneyAxis: t("dashboard.moneyAxis") },
        moneyPer,
      ),
    [data.metrics, moneyPer, t, label],
  );
  const rows = trendRows(data.metrics, moneyPer);
  const suffix = `${data.period.from}_${data.period.to}${data.storeId ? `_${data.storeId.slice(-6)}` : ""}`;
  return (
    <Space direction="vertical" size={16} style={{ width: "100%" }} data-testid="dashboard-body">
      <Row gutter={[12, 12]}>
        {data.metrics.map((m) => (
          <Col key={m.key} xs={24} sm={12} lg={8} xl={6}>
            <KpiCard metric={m} compare={compare} />
          </Col>
        ))}
      </Row>
      <ChartCard
        title={t("dashboard.trend")}
        testId="dashboard-trend"
        fileName={`trend-${suffix}.csv`}
        chart={<EChart option={option} style={{ height: 320 }} data-testid="dashboard-trend-chart" />}
        rows={rows}
        columns={[
          { key: "day", title: t("dashboard.day") },
          { key: "gmv", title: label("gmv") },
          { key: "orders", title: label("orders") },
          { key: "activeMembers", title: label("activeMembers") },
        ]}
      />
      <Card
        title={t("dashboard.allMetrics")}
        extra={
          <Button size="small" type="text" onClick={() => downloadTextFile(`kpis-${suffix}.csv`, metricsCsv(data.metrics, label, moneyPer))} data-testid="dashboard-metrics-csv">
            {t("dashboard.downloadCsv")}
          </Button>
        }
      >
        <Table
          size="small"
          rowKey="key"
          pagination={false}
          dataSource={data.metrics}
          data-testid="dashboard-metrics-table"
          columns={[
            { key: "metric", title: t("dashboard.metric"), render: (_, m) => label(m.key) },
            { key: "value", title: t("dashboard.value"), render: (_, m) => format(m.unit, m.value) },
            ...(compare ? [{ key: "previous", title: t("dashboard.previousValue"), render: (_: unknown, m: DashboardDto["metrics"][number]) => format(m.unit, m.previous) }] : []),
            { key: "note", title: t("dashboard.note"), render: (_, m) => <Typography.Text type="secondary">{m.note}</Typography.Text> },
          ]}
        />
      </Card>
      {data.cacBreakdown.length > 0 ? (
        <Card title={t("dashboard.cacBreakdown")}>
          <Table
            size="small"
            rowKey={(r) => `${r.kind}:${r.key}`}
            pagination={false}
            dataSource={data.cacBreakdown}
            data-testid="dashboard-cac-table"
            columns={[
              { key: "kind", title: t("dashboard.kind"), render: (_, r) => t(`dashboard.kind.${r.kind}`) },
              { key: "key", title: t("dashboard.key"), dataIndex: "key" },
              { key: "cost", title: t("dashboard.cost"), render: (_, r) => format("money", r.costMinor) },
              { key: "newMembers", title: t("dashboard.newMembers"), dataIndex: "newMembers" },
              { key: "cac", title: t("dashboard.cac"), render: (_, r) => format("money", r.cacMinor) },
            ]}
          />
        </Card>
      ) : null}
      <Typography.Text type="secondary">{t("dashboard.took", { ms: data.tookMs })}</Typography.Text>
    </Space>
  );
}
