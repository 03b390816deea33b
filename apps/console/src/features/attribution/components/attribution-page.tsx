import { Alert, Button, Card, Col, DatePicker, Form, Input, InputNumber, Row, Select, Space, Statistic, Typography } from "antd";
import { ATTRIBUTION_DIMENSIONS, type AttributionDimension, type AttributionModel, type AttributionQueryInput, type AttributionReportDto } from "@siyu/contracts";
import dayjs, { type Dayjs } from "dayjs";
import { useMemo, useState } from "react";
import { ChartPanel, type ChartPanelColumn } from "../../../components/chart-panel";
import { PageHeader } from "../../../components/page-header";
import { QueryErrorResult } from "../../../components/query-error-result";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useAttribution } from "../api/run-attribution";
import { attributionChartOption, MODELS, round, shareOf } from "../attribution-view";

interface FormValues {
  period: [Dayjs, Dayjs];
  dimension: AttributionDimension;
  conversionEvent: string;
  touchpointEvents: string[];
  lookbackDays: number;
  halfLifeDays: number;
  storeId?: string;
}

const DAY = "YYYY-MM-DD";

function toQuery(values: FormValues): AttributionQueryInput {
  return {
    from: values.period[0].format(DAY),
    to: values.period[1].format(DAY),
    dimension: values.dimension,
    conversionEvent: values.conversionEvent.trim(),
    touchpointEvents: values.dimension === "touchpoint" ? values.touchpointEvents : [],
    lookbackDays: values.lookbackDays,
    halfLifeDays: values.halfLifeDays,
    storeId: values.storeId?.trim() || undefined,
  };
}

export function AttributionPage() {
  const t = useT();
  const { workspaceId } = useCurrentWorkspace();
  const initial: FormValues = {
    period: [dayjs().subtract(29, "day"), dayjs()],
    dimension: "channel",
    conversionEvent: "Order Completed",
    touchpointEvents: [],
    lookbackDays: 30,
    halfLifeDays: 7,
  };
  const [query, setQuery] = useState<AttributionQueryInput>(() => toQuery(initial));
  const [form] = Form.useForm<FormValues>();
  const dimension = Form.useWatch("dimension", form);
  const report = useAttribution(workspaceId, query);
  return (
    <>
      <PageHeader title={t("attribution.title")} description={t("attribution.description")} />
      <Card style={{ marginBottom: 16 }}>
        <Form<FormValues> form={form} layout="inline" initialValues={initial} onFinish={(values) => setQuery(toQuery(values))} data-testid="attribution-form">
          <Form.Item name="period" label={t("attribution.period")} rules={[{ required: true }]}>
            <DatePicker.RangePicker allowClear={false} data-testid="attribution-period" />
          </Form.Item>
          <Form.Item name="dimension" label={t("attribution.dimension")}>
            <Select style={{ width: 140 }} options={ATTRIBUTION_DIMENSIONS.map((d) => ({ value: d, label: t(`attribution.dimension.${d}`) }))} data-testid="attribution-dimension" />
          </Form.Item>
          {dimension === "touchpoint" ? (
            <Form.Item name="touchpointEvents" label={t("attribution.touchpointEvents")} rules={[{ required: true, type: "array", min: 1 }]}>
              <Select mode="tags" style={{ minWidth: 240 }} tokenSeparators={[","]} />
            </Form.Item>
          ) : null}
          <Form.Item name="conversionEvent" label={t("attribution.conversionEvent")} rules={[{ required: true, whitespace: true }]}>
            <Input style={{ width: 180 }} />
          </Form.Item>
          <Form.Item name="lookbackDays" label={t("attribution.lookbackDays")}>
            <InputNumber min={1} max={365} precision={0} style={{ width: 90 }} />
          </Form.Item>
          <Form.Item name="halfLifeDays" label={t("attribution.halfLifeDays")}>
            <InputNumber min={0.1} max={365} style={{ width: 90 }} />
          </Form.Item>
          <Form.Item name="storeId" label={t("attribution.store")}>
            <Input style={{ width: 120 }} placeholder={t("attribution.allStores")} />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit" loading={report.isFetching} data-testid="attribution-run">
              {t("attribution.run")}
            </Button>
          </Form.Item>
        </Form>
      </Card>
      {report.isError ? (
        <QueryErrorResult error={report.error} onRetry={() => void report.refetch()} />
      ) : !report.data ? (
        <Card loading />
      ) : (
        <AttributionReport report={report.data} />
      )}
    </>
  );
}

function AttributionReport({ report }: { report: AttributionReportDto }) {
  const t = useT();
  const modelNames = useMemo(() => Object.fromEntries(MODELS.map((m) => [m, t(`attribution.model.${m}`)])) as Record<AttributionModel, string>, [t]);
  const option = useMemo(() => attributionChartOption(report, modelNames), [report, modelNames]);
  const columns: ChartPanelColumn<AttributionReportDto["rows"][number]>[] = [
    { key: "key", title: t(`attribution.dimension.${report.query.dimension}`), value: (r) => r.key },
    { key: "touches", title: t("attribution.touches"), value: (r) => r.touches, align: "right" },
    ...MODELS.map((m) => ({
      key: m,
      title: modelNames[m],
      value: (r: AttributionReportDto["rows"][number]) => round(r[m].conversions, 4),
      render: (r: AttributionReportDto["rows"][number]) => `${round(r[m].conversions)} (${shareOf(report, r, m)}%)`,
      align: "right" as const,
    })),
    { key: "removalEffect", title: t("attribution.removalEffect"), value: (r) => round(r.markov.removalEffect, 4), align: "right" },
  ];
  const { totals, shapley } = report;
  return (
    <Space direction="vertical" size={16} style={{ width: "100%" }}>
      <Row gutter={16}>
        <Col xs={12} md={6}><Card><Statistic title={t("attribution.conversions")} value={totals.conversions} data-testid="attribution-conversions" /></Card></Col>
        <Col xs={12} md={6}><Card><Statistic title={t("attribution.attributed")} value={totals.attributedConversions} data-testid="attribution-attributed" /></Card></Col>
        <Col xs={12} md={6}><Card><Statistic title={t("attribution.value")} value={round(totals.attributedValue)} /></Card></Col>
        <Col xs={12} md={6}><Card><Statistic title={t("attribution.journeys")} value={totals.journeys} /></Card></Col>
      </Row>
      {report.rows.length === 0 ? <Alert type="info" showIcon message={t("attribution.empty")} data-testid="attribution-empty" /> : null}
      <ChartPanel
        title={t("attribution.chartTitle")}
        option={option}
        rows={report.rows}
        columns={columns}
        rowKey={(r) => r.key}
        fileName={`attribution-${report.query.dimension}-${report.query.from}-${report.query.to}.csv`}
        height={360}
        testId="attribution"
      />
      <Typography.Text type="secondary" data-testid="attribution-shapley-note">
        {shapley.method === "exact"
          ? t("attribution.shapleyExact")
          : t("attribution.shapleySampled", { permutations: shapley.permutations ?? 0, bound: round(shapley.errorBound), confidence: round((shapley.confidence ?? 0) * 100, 1) })}
        {" · "}
        {t("attribution.computedIn", { ms: report.computedMs })}
      </Typography.Text>
    </Space>
  );
}
