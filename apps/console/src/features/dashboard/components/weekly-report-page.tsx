import { DownloadOutlined, PrinterOutlined } from "@ant-design/icons";
import { Button, Card, DatePicker, Empty, Space, Table } from "antd";
import dayjs from "dayjs";
import { useSearchParams } from "react-router";
import { AlertSeverityTag } from "../../../components/alert-severity-tag";
import { PageHeader } from "../../../components/page-header";
import { QueryErrorResult } from "../../../components/query-error-result";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useWeeklyReport, weeklyReportCsvUrl } from "../api/get-dashboard";
import { useMetricFormat } from "./use-metric-format";

// Printing shows the report alone: the console's menu, header and the page's own buttons stay on screen.
const PRINT_CSS = `
@media print {
  .ant-layout-sider, .ant-layout-header, [data-print="hide"] { display: none !important; }
  .ant-layout, .ant-layout-content { margin: 0 !important; padding: 0 !important; background: #fff !important; }
  .weekly-report .ant-card { break-inside: avoid; box-shadow: none; }
  @page { size: A4; margin: 14mm; }
}`;

/** The brand plans' weekly review as a printable page (`?week=2026-W10`, default the last complete week). */
export function WeeklyReportPage() {
  const t = useT();
  const { workspaceId } = useCurrentWorkspace();
  const { format } = useMetricFormat();
  const [params, setParams] = useSearchParams();
  const week = params.get("week") ?? undefined;
  const report = useWeeklyReport(workspaceId, week);
  const label = (key: string) => t(`dashboard.metric.${key}` as "dashboard.metric.gmv");
  const data = report.data;
  return (
    <div className="weekly-report" data-testid="weekly-report">
      <style>{PRINT_CSS}</style>
      <PageHeader
        title={t("dashboard.weekly.title", { week: data?.week ?? week ?? "" })}
        description={data ? `${data.period.from} – ${data.period.to} · ${t("dashboard.previousPeriod", { from: data.previousPeriod.from, to: data.previousPeriod.to })}` : t("dashboard.weekly.description")}
        extra={
          <Space data-print="hide">
            <DatePicker
              picker="week"
              allowClear={false}
              value={data ? dayjs(data.period.from) : undefined}
              onChange={(d) => d && setParams({ week: isoWeekOf(d.format("YYYY-MM-DD")) })}
              data-testid="weekly-week"
            />
            {data ? (
              <Button icon={<DownloadOutlined />} href={weeklyReportCsvUrl(workspaceId, data.week)} data-testid="weekly-csv">
                {t("dashboard.downloadCsv")}
              </Button>
            ) : null}
            <Button type="primary" icon={<PrinterOutlined />} onClick={() => window.print()} data-testid="weekly-print">
              {t("dashboard.weekly.print")}
            </Button>
          </Space>
        }
      />
      {report.isError ? (
        <QueryErrorResult error={report.error} onRetry={() => void report.refetch()} />
      ) : !data ? (
        <Card loading />
      ) : (
        <Space direction="vertical" size={16} style={{ width: "100%" }}>
          <Card title={t("dashboard.weekly.kpis")} size="small">
            <Table
              size="small"
              rowKey="key"
              pagination={false}
              dataSource={data.kpis}
              data-testid="weekly-kpis"
              columns={[
                { key: "metric", title: t("dashboard.metric"), render: (_, k) => label(k.key) },
                { key: "value", title: t("dashboard.value"), render: (_, k) => format(k.unit, k.value) },
                { key: "previous", title: t("dashboard.previousValue"), render: (_, k) => format(k.unit, k.previous) },
                { key: "change", title: t("dashboard.change"), render: (_, k) => (k.changeRatio === null ? format(k.unit, k.change) : `${(k.changeRatio * 100).toFixed(1)}%`) },
              ]}
            />
          </Card>
          <Card title={t("dashboard.weekly.topCampaigns")} size="small">
            {data.topCampaigns.length === 0 ? (
              <Empty description={t("dashboard.weekly.noCampaigns")} />
            ) : (
              <Table
                size="small"
                rowKey={(r) => `${r.kind}:${r.key}`}
                pagination={false}
                dataSource={data.topCampaigns}
                columns={[
                  { key: "key", title: t("dashboard.key"), render: (_, r) => `${t(`dashboard.kind.${r.kind}`)} · ${r.key}` },
                  { key: "cost", title: t("dashboard.cost"), render: (_, r) => format("money", r.costMinor) },
                  { key: "revenue", title: t("dashboard.campaigns.revenue"), render: (_, r) => format("money", r.revenueMinor) },
                  { key: "roi", title: t("dashboard.campaigns.roiValue"), render: (_, r) => format("share", r.roi) },
                  { key: "margin", title: t("dashboard.campaigns.margin"), render: (_, r) => format("money", r.marginContributionMinor) },
                ]}
              />
            )}
          </Card>
          <Card title={t("dashboard.weekly.alerts")} size="small">
            {data.alerts.length === 0 ? (
              <Empty description={t("dashboard.weekly.noAlerts")} />
            ) : (
              <Table
                size="small"
                rowKey={(a) => `${a.periodStart}:${a.rule}:${a.kind}`}
                pagination={false}
                dataSource={data.alerts}
                data-testid="weekly-alerts"
                columns={[
                  { key: "period", title: t("dashboard.weekly.alertPeriod"), dataIndex: "periodStart" },
                  { key: "rule", title: t("dashboard.weekly.alertRule"), dataIndex: "rule" },
                  { key: "severity", title: t("dashboard.weekly.alertSeverity"), render: (_, a) => <AlertSeverityTag severity={a.severity} /> },
                  { key: "kind", title: t("dashboard.weekly.alertKind"), render: (_, a) => t(a.kind === "fired" ? "dashboard.weekly.alertFired" : "dashboard.weekly.alertResolved") },
                  { key: "message", title: t("dashboard.weekly.alertMessage"), dataIndex: "message" },
                ]}
              />
            )}
          </Card>
        </Space>
      )}
    </div>
  );
}

/** The ISO week (2026-W10) of a calendar day. */
export function isoWeekOf(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  const thursday = new Date(d.getTime() + (3 - ((d.getUTCDay() + 6) % 7)) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000)) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}
