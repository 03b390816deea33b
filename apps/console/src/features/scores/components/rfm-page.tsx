import { Alert, Card, Col, Collapse, Form, InputNumber, Row, Select, Space, Table, Tag, Typography } from "antd";
import { RFM_CELLS, RFM_LAYERS, type RfmOverviewDto, type ScoresSettingsDto } from "@siyu/contracts";
import { useMemo } from "react";
import { PageHeader } from "../../../components/page-header";
import { QueryErrorResult } from "../../../components/query-error-result";
import { formatDateTime } from "../../../lib/format/format-date-time";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useRfmOverview } from "../api/get-score-overviews";
import { useScoresSettings } from "../api/get-scores-settings";
import { buildRfmHeatmapOption } from "../chart-options";
import { EChart } from "./echart";
import { RecomputeButton } from "./recompute-button";
import { ScoresSettingsForm } from "./scores-settings-form";
import { useScoreLabels } from "./use-score-labels";

const LAYER_COLORS: Record<string, string> = { high_value_core: "gold", potential: "green", dormant: "orange", churned: "default" };

export function RfmPage() {
  const t = useT();
  const { workspaceId, workspace } = useCurrentWorkspace();
  const overview = useRfmOverview(workspaceId);
  const settings = useScoresSettings(workspaceId);
  return (
    <>
      <PageHeader title={t("scores.rfm.title")} description={t("scores.rfm.description")} extra={<RecomputeButton />} />
      {overview.isError ? (
        <QueryErrorResult error={overview.error} onRetry={() => void overview.refetch()} />
      ) : !overview.data ? (
        <Card loading />
      ) : (
        <Space direction="vertical" size={16} style={{ width: "100%" }}>
          {overview.data.computedAt ? (
            <Typography.Text type="secondary" data-testid="rfm-computed-at">
              {t("scores.computedAt", { at: formatDateTime(overview.data.computedAt, workspace.timezone) })} ·{" "}
              {t("scores.rfm.scored", {
                count: overview.data.scored,
                days: overview.data.windowDays,
                method: t(`scores.rfm.method.${overview.data.method}`),
              })}
            </Typography.Text>
          ) : (
            <Alert type="info" showIcon message={t("scores.neverComputed")} data-testid="rfm-never" />
          )}
          <RfmOverview data={overview.data} />
        </Space>
      )}
      <div style={{ marginTop: 16 }}>
        {settings.data ? <RfmSettingsCard key={settings.dataUpdatedAt} settings={settings.data} /> : <Card loading />}
      </div>
    </>
  );
}

function RfmOverview({ data }: { data: RfmOverviewDto }) {
  const t = useT();
  const labels = useScoreLabels();
  const option = useMemo(
    () =>
      buildRfmHeatmapOption(
        data.heatmap,
        { r: "R", f: "F", customers: t("scores.customers"), averageSpend: t("scores.averageSpend") },
        labels.major,
      ),
    [data.heatmap, t, labels.major],
  );
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={12}>
        <Card title={t("scores.rfm.heatmap")}>
          <EChart option={option} height={360} testId="rfm-heatmap" />
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Space direction="vertical" size={16} style={{ width: "100%" }}>
          <Card title={t("scores.rfm.layers")}>
            <Table
              size="small"
              pagination={false}
              rowKey="layer"
              dataSource={data.layers}
              data-testid="rfm-layers"
              columns={[
                { title: t("scores.rfm.layer"), dataIndex: "layer", render: (l: string) => <Tag color={LAYER_COLORS[l]}>{labels.layer(l)}</Tag> },
                { title: t("scores.customers"), dataIndex: "customers", align: "right" },
                { title: t("scores.share"), dataIndex: "share", align: "right", render: labels.percent },
              ]}
            />
          </Card>
          <Card title={t("scores.rfm.cells")}>
            <Table
              size="small"
              pagination={false}
              rowKey="cell"
              dataSource={data.cells}
              data-testid="rfm-cells"
              columns={[
                { title: t("scores.rfm.cell"), dataIndex: "cell", render: labels.cell },
                { title: t("scores.rfm.layer"), dataIndex: "layer", render: (l: string) => <Tag color={LAYER_COLORS[l]}>{labels.layer(l)}</Tag> },
                { title: t("scores.customers"), dataIndex: "customers", align: "right" },
                { title: t("scores.share"), dataIndex: "share", align: "right", render: labels.percent },
                { title: t("scores.averageSpend"), dataIndex: "monetaryAvg", align: "right", render: labels.major },
              ]}
            />
          </Card>
        </Space>
      </Col>
    </Row>
  );
}

function CutPoints(props: { dimension: "recencyDays" | "frequencyOrders" | "monetaryAmount" }) {
  const t = useT();
  return (
    <Form.Item label={t(`scores.rfm.${props.dimension}`)} extra={t("scores.rfm.cutPointsHelp")} required>
      <Space wrap>
        {[0, 1, 2, 3].map((i) => (
          <Form.Item key={i} name={["rfm", "thresholds", props.dimension, i]} noStyle rules={[{ required: true }]}>
            <InputNumber min={0} style={{ width: 110 }} data-testid={`rfm-${props.dimension}-${i}`} />
          </Form.Item>
        ))}
      </Space>
    </Form.Item>
  );
}

function RfmSettingsCard({ settings }: { settings: ScoresSettingsDto }) {
  const t = useT();
  return (
    <ScoresSettingsForm title={t("scores.rfm.settings")} settings={settings} testId="rfm-settings">
      <Row gutter={16}>
        <Col xs={24} md={8}>
          <Form.Item name={["rfm", "windowDays"]} label={t("scores.rfm.windowDays")} rules={[{ required: true }]}>
            <InputNumber min={1} max={3650} style={{ width: "100%" }} data-testid="rfm-window-days" />
          </Form.Item>
        </Col>
        <Col xs={24} md={16}>
          <Form.Item name={["rfm", "method"]} label={t("scores.rfm.method")}>
            <Select
              data-testid="rfm-method"
              options={(["quantiles", "thresholds"] as const).map((m) => ({ value: m, label: t(`scores.rfm.method.${m}`) }))}
            />
          </Form.Item>
        </Col>
      </Row>
      <CutPoints dimension="recencyDays" />
      <CutPoints dimension="frequencyOrders" />
      <CutPoints dimension="monetaryAmount" />
      <Collapse
        ghost
        style={{ marginBottom: 16 }}
        items={[
          { key: "grid", label: t("scores.rfm.cellGrid"), children: <CellGridFields /> },
          { key: "layers", label: t("scores.rfm.layerMap"), children: <LayerMapFields /> },
        ]}
      />
    </ScoresSettingsForm>
  );
}

/** The R × FM grid: R 5 on top, like the heat map. */
function CellGridFields() {
  const t = useT();
  const labels = useScoreLabels();
  const options = RFM_CELLS.map((cell) => ({ value: cell, label: labels.cell(cell) }));
  return (
    <>
      <Typography.Paragraph type="secondary">{t("scores.rfm.cellGridHelp")}</Typography.Paragraph>
      <table data-testid="rfm-cell-grid" style={{ borderSpacing: 4 }}>
        <thead>
          <tr>
            <th>R \ FM</th>
            {[1, 2, 3, 4, 5].map((fm) => (
              <th key={fm}>{fm}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {[5, 4, 3, 2, 1].map((r) => (
            <tr key={r}>
              <th>{r}</th>
              {[1, 2, 3, 4, 5].map((fm) => (
                <td key={fm}>
                  <Form.Item name={["rfm", "cellGrid", r - 1, fm - 1]} noStyle>
                    <Select options={options} style={{ width: 150 }} size="small" />
                  </Form.Item>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function LayerMapFields() {
  const labels = useScoreLabels();
  const options = RFM_LAYERS.map((layer) => ({ value: layer, label: labels.layer(layer) }));
  return (
    <Row gutter={16}>
      {RFM_CELLS.map((cell) => (
        <Col key={cell} xs={24} md={12} xl={8}>
          <Form.Item name={["rfm", "layerMap", cell]} label={labels.cell(cell)}>
            <Select options={options} size="small" />
          </Form.Item>
        </Col>
      ))}
    </Row>
  );
}
