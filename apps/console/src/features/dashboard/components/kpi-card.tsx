import { ArrowDownOutlined, ArrowUpOutlined, MinusOutlined } from "@ant-design/icons";
import { Card, Flex, Statistic, Tooltip, Typography } from "antd";
import type { KpiMetricDto } from "@siyu/contracts";
import { Sparkline } from "../../../components/echart";
import { useT } from "../../../lib/i18n";
import { directionOf, LOWER_IS_BETTER } from "../dashboard-model";
import { useMetricFormat } from "./use-metric-format";

/** One KPI: its value, the previous period's with an arrow coloured by whether the move is good, and a sparkline. */
export function KpiCard(props: { metric: KpiMetricDto; compare: boolean }) {
  const t = useT();
  const { format } = useMetricFormat();
  const { metric } = props;
  const direction = directionOf(metric);
  const good = direction === "flat" || direction === "none" ? null : (direction === "up") !== LOWER_IS_BETTER.has(metric.key);
  const color = good === null ? undefined : good ? "#389e0d" : "#cf1322";
  const icon = direction === "up" ? <ArrowUpOutlined /> : direction === "down" ? <ArrowDownOutlined /> : direction === "flat" ? <MinusOutlined /> : null;
  const points = metric.series.map((p) => p.value ?? 0);
  const label = t(`dashboard.metric.${metric.key}` as "dashboard.metric.gmv");
  return (
    <Card size="small" data-testid={`kpi-${metric.key}`}>
      <Tooltip title={metric.note}>
        <Typography.Text type="secondary">{label}</Typography.Text>
      </Tooltip>
      <Flex justify="space-between" align="flex-end" gap={8}>
        <div>
          <Statistic value={format(metric.unit, metric.value)} valueStyle={{ fontSize: 22 }} />
          {props.compare ? (
            <Typography.Text style={{ color, fontSize: 12 }} data-testid={`kpi-${metric.key}-change`} data-direction={direction}>
              {icon}{" "}
              {metric.changeRatio !== null ? `${(Math.abs(metric.changeRatio) * 100).toFixed(1)}% · ` : ""}
              {t("dashboard.previous", { value: format(metric.unit, metric.previous) })}
            </Typography.Text>
          ) : null}
        </div>
        {points.length > 1 ? <Sparkline values={points} width={96} height={32} /> : null}
      </Flex>
    </Card>
  );
}
