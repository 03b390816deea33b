import { Alert, Card, Col, Form, InputNumber, Row, Select, Space, Switch, Table, Typography } from "antd";
import type { LifecycleOverviewDto, ScoresSettingsDto, ValuePyramidDto } from "@siyu/contracts";
import { useMemo } from "react";
import { PageHeader } from "../../../components/page-header";
import { QueryErrorResult } from "../../../components/query-error-result";
import { formatDateTime } from "../../../lib/format/format-date-time";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useLifecycleOverview, useValuePyramid } from "../api/get-score-overviews";
import { useScoresSettings } from "../api/get-scores-settings";
import { buildLifecycleBarOption, buildValuePyramidOption } from "../chart-options";
import { EChart } from "./echart";
import { RecomputeButton } from "./recompute-button";
import { ScoresSettingsForm } from "./scores-settings-form";
import { useScoreLabels } from "./use-score-labels";

export function LifecyclePage() {
  const t = useT();
  const { workspaceId, workspace } = useCurrentWorkspace();
  const overview = useLifecycleOverview(workspaceId);
  const pyramid = useValuePyramid(workspaceId);
  const settings = useScoresSettings(workspaceId);
  return (
    <>
      <PageHeader title={t("scores.lifecycle.title")} description={t("scores.lifecycle.description")} extra={<RecomputeButton />} />
      {overview.isError ? (
        <QueryErrorResult error={overview.error} onRetry={() => void overview.refetch()} />
      ) : !overview.data ? (
        <Card loading />
      ) : (
        <Space direction="vertical" size={16} style={{ width: "100%" }}>
          {overview.data.computedAt ? (
            <Typography.Text type="secondary">{t("scores.computedAt", { at: formatDateTime(overview.data.computedAt, workspace.timezone) })}</Typography.Text>
          ) : (
            <Alert type="info" showIcon message={t("scores.neverComputed")} />
          )}
          <LifecycleOverview data={overview.data} />
        </Space>
      )}
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} xl={12}>
          {settings.data ? <LifecycleSettingsCard key={settings.dataUpdatedAt} settings={settings.data} /> : <Card loading />}
        </Col>
        <Col xs={24} xl={12}>
          <Space direction="vertical" size={16} style={{ width: "100%" }}>
            {pyramid.data ? <ValuePyramidCard data={pyramid.data} /> : <Card loading />}
            {settings.data ? <ValuePyramidSettingsCard key={settings.dataUpdatedAt} settings={settings.data} /> : null}
          </Space>
        </Col>
      </Row>
    </>
  );
}

function LifecycleOverview({ data }: { data: LifecycleOverviewDto }) {
  const t = useT();
  const labels = useScoreLabels();
  const option = useMemo(() => buildLifecycleBarOption(data.stages, labels.stage), [data.stages, labels.stage]);
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={14}>
        <Card title={t("scores.lifecycle.stages")}>
          <EChart option={option} height={300} testId="lifecycle-stages-chart" />
          <Table
            size="small"
            pagination={false}
            rowKey="stage"
            dataSource={data.stages}
            data-testid="lifecycle-stages"
            columns={[
              { title: t("scores.card.stage"), dataIndex: "stage", render: labels.stage },
              { title: t("scores.customers"), dataIndex: "customers", align: "right" },
              { title: t("scores.share"), dataIndex: "share", align: "right", render: labels.percent },
            ]}
          />
        </Card>
      </Col>
      <Col xs={24} xl={10}>
        <Card title={t("scores.lifecycle.transitions")}>
          <Table
            size="small"
            pagination={false}
            rowKey={(r) => `${r.from}>${r.to}`}
            dataSource={data.recentTransitions}
            locale={{ emptyText: t("scores.lifecycle.noTransitions") }}
            data-testid="lifecycle-transitions"
            columns={[
              { title: t("scores.lifecycle.from"), dataIndex: "from", render: (s: string | null) => (s ? labels.stage(s) : t("scores.lifecycle.firstSeen")) },
              { title: t("scores.lifecycle.to"), dataIndex: "to", render: (s: string | null) => (s ? labels.stage(s) : "—") },
              { title: t("scores.lifecycle.count"), dataIndex: "count", align: "right" },
            ]}
          />
        </Card>
      </Col>
    </Row>
  );
}

function DaysField(props: { name: "newDays" | "growingDays" | "dormantDays" | "churnedDays" }) {
  const t = useT();
  return (
    <Form.Item name={["lifecycle", props.name]} label={t(`scores.lifecycle.${props.name}`)} rules={[{ required: true }]}>
      <InputNumber min={0} max={3650} style={{ width: "100%" }} data-testid={`lifecycle-${props.name}`} />
    </Form.Item>
  );
}

function LifecycleSettingsCard({ settings }: { settings: ScoresSettingsDto }) {
  const t = useT();
  return (
    <ScoresSettingsForm title={t("scores.lifecycle.settings")} settings={settings} testId="lifecycle-settings">
      <Typography.Paragraph type="secondary">{t("scores.lifecycle.help")}</Typography.Paragraph>
      <Form.Item name={["lifecycle", "activity"]} label={t("scores.lifecycle.activity")}>
        <Select options={(["last_seen", "last_order"] as const).map((a) => ({ value: a, label: t(`scores.lifecycle.activity.${a}`) }))} />
      </Form.Item>
      <Row gutter={16}>
        <Col span={12}>
          <DaysField name="newDays" />
        </Col>
        <Col span={12}>
          <DaysField name="growingDays" />
        </Col>
        <Col span={12}>
          <DaysField name="dormantDays" />
        </Col>
        <Col span={12}>
          <DaysField name="churnedDays" />
        </Col>
        <Col span={12}>
          <Form.Item name={["schedule", "enabled"]} label={t("scores.schedule.enabled")} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name={["schedule", "hour"]} label={t("scores.schedule.hour")}>
            <InputNumber min={0} max={23} style={{ width: "100%" }} />
          </Form.Item>
        </Col>
      </Row>
    </ScoresSettingsForm>
  );
}

function ValuePyramidCard({ data }: { data: ValuePyramidDto }) {
  const t = useT();
  const labels = useScoreLabels();
  const option = useMemo(() => buildValuePyramidOption(data.tiers, labels.tier), [data.tiers, labels.tier]);
  return (
    <Card title={t("scores.pyramid.title")}>
      <EChart option={option} height={240} testId="value-pyramid-chart" />
      <Table
        size="small"
        pagination={false}
        rowKey="tier"
        dataSource={data.tiers}
        data-testid="value-pyramid"
        columns={[
          { title: t("scores.card.tier"), dataIndex: "tier", render: labels.tier },
          { title: t("scores.customers"), dataIndex: "customers", align: "right" },
          { title: t("scores.share"), dataIndex: "share", align: "right", render: labels.percent },
          { title: t("scores.pyramid.spend"), dataIndex: "spendMinor", align: "right", render: labels.minor },
        ]}
      />
    </Card>
  );
}

function ValuePyramidSettingsCard({ settings }: { settings: ScoresSettingsDto }) {
  const t = useT();
  return (
    <ScoresSettingsForm title={t("scores.pyramid.settings")} settings={settings} testId="value-pyramid-settings">
      <Form.Item name={["valuePyramid", "basis"]} label={t("scores.pyramid.basis")}>
        <Select options={(["clv", "spend"] as const).map((b) => ({ value: b, label: t(`scores.pyramid.basis.${b}`) }))} />
      </Form.Item>
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item name={["valuePyramid", "svipPercent"]} label={t("scores.pyramid.svipPercent")} rules={[{ required: true }]}>
            <InputNumber min={0.01} max={100} style={{ width: "100%" }} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name={["valuePyramid", "vipPercent"]} label={t("scores.pyramid.vipPercent")} rules={[{ required: true }]}>
            <InputNumber min={0.01} max={100} style={{ width: "100%" }} />
          </Form.Item>
        </Col>
      </Row>
    </ScoresSettingsForm>
  );
}
