import type { AlertRuleInput } from "@siyu/contracts";
import { Alert, Spin, Tag, Typography } from "antd";
import { useMemo } from "react";
import { ChartPanel, type ChartPanelColumn } from "../../../components/chart-panel";
import { describeApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useAlertPreview } from "../api/alerts";
import { pointOutcome, previewChartOption, round, type PreviewPoint } from "../alerts-view";

/** The rule's last 26 periods judged as it stands in the form (null: the form is not a valid rule yet). */
export function RulePreview(props: { body: AlertRuleInput | null }) {
  const t = useT();
  const { workspaceId } = useCurrentWorkspace();
  const preview = useAlertPreview(workspaceId, props.body);
  const data = preview.data;
  const option = useMemo(
    () => (data ? previewChartOption(data, { value: t("alerts.preview.value"), bound: t("alerts.preview.bound"), fired: t("alerts.preview.fired") }) : null),
    [data, t],
  );
  if (!props.body && !data) return <Typography.Text type="secondary">{t("alerts.previewHint")}</Typography.Text>;
  if (preview.isError) return <Alert type="warning" showIcon message={describeApiError(preview.error, t)} data-testid="alert-preview-error" />;
  if (!data || !option) return <Spin />;
  const columns: ChartPanelColumn<PreviewPoint>[] = [
    { key: "period", title: t("alerts.preview.period"), value: (p) => p.periodStart },
    { key: "value", title: t("alerts.preview.value"), value: (p) => (p.value === null ? null : round(p.value, 6)), align: "right" },
    { key: "bound", title: t("alerts.preview.bound"), value: (p) => (p.bound === null ? null : round(p.bound, 6)), align: "right" },
    {
      key: "outcome",
      title: t("alerts.preview.outcome"),
      value: (p) => pointOutcome(data, p) ?? "",
      render: (p) => {
        const outcome = pointOutcome(data, p);
        if (outcome === "fired") return <Tag color="red">{t("alerts.kind.fired")}</Tag>;
        if (outcome === "resolved") return <Tag color="green">{t("alerts.kind.resolved")}</Tag>;
        return outcome === "breached" ? <Tag>{t("alerts.preview.breached")}</Tag> : null;
      },
    },
  ];
  return (
    <ChartPanel
      title={t("alerts.preview")}
      extra={
        <Typography.Text type="secondary" style={{ marginRight: 8 }} data-testid="alert-preview-summary" data-fires={data.fires.join(",")}>
          {t("alerts.preview.summary", { fires: data.fires.length, resolves: data.resolves.length })}
        </Typography.Text>
      }
      option={option}
      rows={data.points}
      columns={columns}
      rowKey={(p) => p.periodStart}
      fileName="alert-preview.csv"
      height={260}
      testId="alert-preview"
    />
  );
}
