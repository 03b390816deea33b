import { ArrowLeftOutlined, EditOutlined } from "@ant-design/icons";
import type { SegmentHistoryDto } from "@siyu/contracts";
import { Button, Card, Col, Descriptions, Empty, Flex, Result, Row, Statistic, Typography } from "antd";
import { useMemo } from "react";
import { useNavigate, useParams } from "react-router";
import { EChart, type EChartOption } from "../../../components/echart";
import { FullPageSpin } from "../../../components/full-page-spin";
import { PageHeader } from "../../../components/page-header";
import { QueryErrorResult } from "../../../components/query-error-result";
import { isApiError } from "../../../lib/api";
import { formatDateTime } from "../../../lib/format/format-date-time";
import { useLanguage, useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useSegmentCatalogue, useSegmentHistory, useSegmentMembers } from "../api/get-segment-details";
import { useSegment, useSegments } from "../api/get-segments";
import { describeRule } from "../rule-tree/describe-rule";
import { MemberTable } from "./member-table";
import { DeleteSegmentButton, ExportSegmentButton, RefreshSegmentButton } from "./segment-actions";

function HistoryChart(props: { history: SegmentHistoryDto["items"]; timeZone: string }) {
  const t = useT();
  const { history, timeZone } = props;
  const option = useMemo<EChartOption>(() => {
    const size = t("segments.history.size");
    const entered = t("segments.history.entered");
    const exited = t("segments.history.exited");
    return {
      tooltip: { trigger: "axis" },
      legend: { data: [size, entered, exited], bottom: 0 },
      grid: { left: 48, right: 48, top: 16, bottom: 56 },
      xAxis: { type: "category", data: history.map((point) => formatDateTime(point.at, timeZone).slice(0, 16)) },
      // Size on the left from 0; who came and went on the right, as bars.
      yAxis: [
        { type: "value", min: 0, minInterval: 1 },
        { type: "value", min: 0, minInterval: 1, splitLine: { show: false } },
      ],
      series: [
        { name: size, type: "line", data: history.map((point) => point.size), showSymbol: true, symbolSize: 6, areaStyle: { opacity: 0.08 } },
        { name: entered, type: "bar", yAxisIndex: 1, barMaxWidth: 14, data: history.map((point) => point.entered), itemStyle: { color: "#95de64" } },
        { name: exited, type: "bar", yAxisIndex: 1, barMaxWidth: 14, data: history.map((point) => point.exited), itemStyle: { color: "#ff9c9c" } },
      ],
    };
  }, [history, timeZone, t]);
  return <EChart option={option} style={{ height: 280 }} data-testid="segment-history-chart" />;
}

export function SegmentDetailPage() {
  const { segmentId = "" } = useParams();
  const t = useT();
  const { lang } = useLanguage();
  const navigate = useNavigate();
  const { workspaceId, workspace, can } = useCurrentWorkspace();
  const canManage = can("segments.manage");
  const segment = useSegment(workspaceId, segmentId);
  const history = useSegmentHistory(workspaceId, segmentId);
  const members = useSegmentMembers(workspaceId, segmentId);
  const catalogue = useSegmentCatalogue(workspaceId);
  const segments = useSegments(workspaceId);
  const memberItems = useMemo(() => members.data?.pages.flatMap((page) => page.items) ?? [], [members.data]);

  if (segment.isPending) return <FullPageSpin />;
  if (segment.isError) {
    if (isApiError(segment.error) && segment.error.status === 404) {
      return <Result status="404" title={t("segments.detail.notFound")} data-testid="segment-not-found" />;
    }
    return <QueryErrorResult error={segment.error} onRetry={() => void segment.refetch()} />;
  }
  const data = segment.data;
  const definition = describeRule(data.rule, {
    t,
    traitLabel: (key) => catalogue.data?.traits.find((trait) => trait.key === key)?.label,
    segmentName: (id) => segments.data?.items.find((s) => s.id === id)?.name,
  });

  return (
    <div data-testid="segment-detail">
      <Button
        type="link"
        icon={<ArrowLeftOutlined />}
        style={{ paddingInline: 0 }}
        onClick={() => void navigate(`/w/${workspaceId}/segments`)}
        data-testid="segment-back"
      >
        {t("segments.detail.back")}
      </Button>
      <PageHeader
        title={<span data-testid="segment-title">{data.name}</span>}
        description={data.description ?? undefined}
        extra={
          <>
            {canManage ? <RefreshSegmentButton segmentId={data.id} withLabel /> : null}
            <ExportSegmentButton segmentId={data.id} withLabel />
            {canManage ? (
              <Button icon={<EditOutlined />} onClick={() => void navigate(`/w/${workspaceId}/segments/${data.id}/edit`)} data-testid="segment-edit">
                {t("segments.action.edit")}
              </Button>
            ) : null}
            {canManage ? (
              <DeleteSegmentButton segmentId={data.id} name={data.name} withLabel onDeleted={() => void navigate(`/w/${workspaceId}/segments`)} />
            ) : null}
          </>
        }
      />
      <Row gutter={16}>
        <Col xs={24} lg={8}>
          <Card size="small" style={{ height: "100%" }}>
            <Statistic
              title={t("segments.detail.size")}
              value={data.size === null ? "—" : data.size.toLocaleString(lang)}
              valueStyle={{ fontSize: 36 }}
              data-testid="segment-size"
            />
            <Descriptions
              column={1}
              size="small"
              style={{ marginTop: 12 }}
              items={[
                {
                  key: "refreshed",
                  label: t("segments.detail.lastRefreshed"),
                  children: data.lastRefreshedAt ? formatDateTime(data.lastRefreshedAt, workspace.timezone) : t("segments.neverRefreshed"),
                },
                { key: "every", label: t("segments.detail.refreshEvery"), children: t("segments.detail.minutes", { count: data.refreshEveryMinutes }) },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={16}>
          <Card size="small" title={t("segments.detail.definition")} style={{ height: "100%" }}>
            <Typography.Paragraph style={{ fontSize: 15, margin: 0 }} data-testid="segment-definition">
              {definition}
            </Typography.Paragraph>
          </Card>
        </Col>
      </Row>
      <Card size="small" title={t("segments.detail.history")} style={{ marginTop: 16 }}>
        {history.isError ? (
          <QueryErrorResult error={history.error} onRetry={() => void history.refetch()} />
        ) : history.data && history.data.items.length > 0 ? (
          <HistoryChart history={history.data.items} timeZone={workspace.timezone} />
        ) : (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("segments.detail.historyEmpty")} />
        )}
      </Card>
      <Card size="small" title={t("segments.detail.members")} style={{ marginTop: 16 }}>
        {members.isError ? (
          <QueryErrorResult error={members.error} onRetry={() => void members.refetch()} />
        ) : (
          <MemberTable members={memberItems} loading={members.isPending} emptyText={t("segments.detail.membersEmpty")} testId="segment-members" />
        )}
        <Flex justify="center" style={{ marginTop: 12 }}>
          {members.hasNextPage ? (
            <Button onClick={() => void members.fetchNextPage()} loading={members.isFetchingNextPage} data-testid="segment-members-more">
              {t("common.loadMore")}
            </Button>
          ) : null}
        </Flex>
      </Card>
    </div>
  );
}
