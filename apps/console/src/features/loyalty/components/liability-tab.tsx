import { DownloadOutlined } from "@ant-design/icons";
import type { ExpiryForecastDto, LiabilityReportDto } from "@siyu/contracts";
import { Button, Card, Col, DatePicker, Flex, Row, Segmented, Statistic, Table, Typography } from "antd";
import type { Dayjs } from "dayjs";
import { useMemo, useState } from "react";
import { EChart, type EChartOption } from "../../../components/echart";
import { QueryErrorResult } from "../../../components/query-error-result";
import { downloadTextFile } from "../../../lib/download";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { liabilityCsvUrl, useExpiryForecast, useLiability } from "../api/loyalty-value";
import { useMoney } from "../use-money";

type StoreRow = LiabilityReportDto["byStore"][number];
type MonthRow = ExpiryForecastDto["months"][number];

/** What the brand owes its members (points, stored value, card uses, coupons) and the points expiring month by month. */
export function LiabilityTab() {
  const t = useT();
  const { workspaceId } = useCurrentWorkspace();
  const { money } = useMoney();
  const [asOf, setAsOf] = useState<Dayjs | null>(null);
  const asOfIso = asOf ? asOf.endOf("day").toISOString() : null;
  const report = useLiability(workspaceId, asOfIso);
  const forecast = useExpiryForecast(workspaceId);
  const [view, setView] = useState<"chart" | "table">("chart");

  const option = useMemo<EChartOption>(() => {
    const months = forecast.data?.months ?? [];
    return {
      tooltip: { trigger: "axis" },
      grid: { left: 48, right: 16, top: 24, bottom: 32 },
      xAxis: { type: "category", data: months.map((m) => m.month) },
      yAxis: { type: "value" },
      series: [{ type: "bar", name: t("loyalty.liability.expiringPoints"), data: months.map((m) => m.points), itemStyle: { color: "#fa8c16" } }],
    };
  }, [forecast.data, t]);

  if (report.isError) return <QueryErrorResult error={report.error} onRetry={() => void report.refetch()} />;
  const totals = report.data?.totals;

  const downloadForecast = () =>
    downloadTextFile(
      "points-expiry-forecast.csv",
      // Months and numbers only: nothing to quote.
      [["month", "points", "members", "value_minor"], ...(forecast.data?.months ?? []).map((m) => [m.month, m.points, m.members, m.valueMinor])].map((r) => r.join(",")).join("\r\n") + "\r\n",
    );

  return (
    <Flex vertical gap={16}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Flex align="center" gap={8}>
          <Typography.Text>{t("loyalty.liability.asOf")}</Typography.Text>
          <DatePicker value={asOf} onChange={setAsOf} allowClear placeholder={t("loyalty.liability.now")} data-testid="liability-as-of" />
        </Flex>
        <Button icon={<DownloadOutlined />} href={liabilityCsvUrl(workspaceId, asOfIso)} download="loyalty-liability.csv" data-testid="liability-csv">
          {t("loyalty.liability.downloadCsv")}
        </Button>
      </Flex>
      <Row gutter={[16, 16]}>
        <Col xs={24} md={8}>
          <Card loading={report.isLoading}>
            <Statistic title={t("loyalty.liability.total")} value={money(totals?.totalMinor ?? 0)} data-testid="liability-total" />
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card loading={report.isLoading}>
            <Statistic title={t("loyalty.liability.points")} value={money(totals?.pointsValueMinor ?? 0)} data-testid="liability-points-value" />
            <Typography.Text type="secondary" data-testid="liability-points">
              {t("loyalty.liability.pointsDetail", { available: totals?.pointsAvailable ?? 0, pending: totals?.pointsPending ?? 0 })}
            </Typography.Text>
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card loading={report.isLoading}>
            <Statistic title={t("loyalty.liability.storedValue")} value={money((totals?.storedValuePrincipalMinor ?? 0) + (totals?.storedValueBonusMinor ?? 0))} data-testid="liability-stored-value" />
            <Typography.Text type="secondary">
              {t("loyalty.liability.storedValueDetail", { principal: money(totals?.storedValuePrincipalMinor ?? 0), bonus: money(totals?.storedValueBonusMinor ?? 0) })}
            </Typography.Text>
          </Card>
        </Col>
        <Col xs={24} md={12}>
          <Card loading={report.isLoading}>
            <Statistic title={t("loyalty.liability.cards")} value={money(totals?.cardUsesValueMinor ?? 0)} data-testid="liability-cards-value" />
            <Typography.Text type="secondary" data-testid="liability-card-uses">
              {t("loyalty.liability.cardsDetail", { uses: totals?.cardUses ?? 0 })}
            </Typography.Text>
          </Card>
        </Col>
        <Col xs={24} md={12}>
          <Card loading={report.isLoading}>
            <Statistic title={t("loyalty.liability.coupons")} value={money(totals?.couponsFaceValueMinor ?? 0)} data-testid="liability-coupons-value" />
            <Typography.Text type="secondary">{t("loyalty.liability.couponsDetail", { count: totals?.coupons ?? 0 })}</Typography.Text>
          </Card>
        </Col>
      </Row>
      {report.data && !asOfIso ? (
        <Table<StoreRow>
          size="small"
          rowKey={(r) => r.storeId ?? "-"}
          pagination={false}
          dataSource={report.data.byStore}
          data-testid="liability-by-store"
          columns={[
            { title: t("loyalty.liability.store"), dataIndex: "storeId", render: (s: string | null) => s ?? t("loyalty.liability.noStore") },
            { title: t("loyalty.liability.pointsColumn"), key: "points", align: "right", render: (_: unknown, r: StoreRow) => r.pointsAvailable + r.pointsPending },
            { title: t("loyalty.liability.storedValue"), key: "sv", align: "right", render: (_: unknown, r: StoreRow) => money(r.storedValuePrincipalMinor + r.storedValueBonusMinor) },
            { title: t("loyalty.liability.cardUses"), dataIndex: "cardUses", align: "right" },
            { title: t("loyalty.liability.couponsColumn"), dataIndex: "coupons", align: "right" },
            { title: t("loyalty.liability.total"), dataIndex: "totalMinor", align: "right", render: (v: number) => money(v) },
          ]}
        />
      ) : null}
      <Card
        title={t("loyalty.liability.forecast", { timeZone: forecast.data?.timeZone ?? "" })}
        loading={forecast.isLoading}
        extra={
          <Flex gap={8}>
            <Segmented
              value={view}
              onChange={(v) => setView(v as "chart" | "table")}
              options={[
                { value: "chart", label: t("loyalty.liability.chart") },
                { value: "table", label: t("loyalty.liability.table") },
              ]}
              data-testid="forecast-view"
            />
            <Button size="small" icon={<DownloadOutlined />} onClick={downloadForecast} data-testid="forecast-csv">
              CSV
            </Button>
          </Flex>
        }
      >
        {view === "chart" ? (
          <EChart option={option} style={{ height: 280 }} data-testid="forecast-chart" />
        ) : (
          <Table<MonthRow>
            size="small"
            rowKey="month"
            pagination={false}
            dataSource={forecast.data?.months ?? []}
            data-testid="forecast-table"
            columns={[
              { title: t("loyalty.liability.month"), dataIndex: "month" },
              { title: t("loyalty.liability.expiringPoints"), dataIndex: "points", align: "right" },
              { title: t("loyalty.liability.members"), dataIndex: "members", align: "right" },
              { title: t("loyalty.liability.value"), dataIndex: "valueMinor", align: "right", render: (v: number) => money(v) },
            ]}
          />
        )}
      </Card>
    </Flex>
  );
}
