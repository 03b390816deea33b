import { PlusOutlined } from "@ant-design/icons";
import type { JourneyDto, JourneyReportDto, PlaybookDto } from "@siyu/contracts";
import { App, Button, Card, Col, Empty, Popconfirm, Row, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { PageHeader } from "../../../components/page-header";
import { QueryErrorResult } from "../../../components/query-error-result";
import { useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { rowTestId } from "../../../lib/test-id";
import { useDeleteJourney, useJourneyReports, useJourneys, usePlaybooks } from "../api/journeys";
import { JourneyStatusTag } from "./journey-status-tag";
import { StartJourneyModal } from "./start-journey-modal";

const LINKS = [
  { path: "journeys/templates", key: "journeys.link.templates" },
  { path: "journeys/messages", key: "journeys.link.messages" },
  { path: "journeys/channels", key: "journeys.link.channels" },
  { path: "journeys/broadcasts", key: "journeys.link.broadcasts" },
] as const;

/** `journeys`: every journey with its status and counts, a blank start and the playbook gallery. */
export function JourneyListPage() {
  const t = useT();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const reportError = useReportApiError();
  const { workspaceId, can } = useCurrentWorkspace();
  const canManage = can("journeys.manage");
  const journeys = useJourneys(workspaceId);
  const playbooks = usePlaybooks(workspaceId);
  const items = journeys.data?.items ?? [];
  const reports = useJourneyReports(workspaceId, items);
  const reportOf = new Map<string, JourneyReportDto>();
  items.forEach((j, i) => {
    const data = reports[i]?.data;
    if (data) reportOf.set(j.id, data);
  });
  const remove = useDeleteJourney(workspaceId);
  /** undefined: closed; null: blank. */
  const [starting, setStarting] = useState<PlaybookDto | null | undefined>(undefined);
  const open = (j: JourneyDto) => void navigate(`/w/${workspaceId}/journeys/${j.id}`);
  const count = (j: JourneyDto, pick: (r: JourneyReportDto) => number) => {
    const r = reportOf.get(j.id);
    return r ? pick(r) : j.liveVersion === null ? "—" : "…";
  };

  return (
    <>
      <PageHeader
        title={t("journeys.title")}
        description={t("journeys.description")}
        extra={
          <Space wrap>
            {LINKS.map((l) => (
              <Link key={l.path} to={`/w/${workspaceId}/${l.path}`} data-testid={`journeys-link-${l.path.split("/")[1]}`}>
                <Button>{t(l.key)}</Button>
              </Link>
            ))}
            {canManage ? (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setStarting(null)} data-testid="journey-new">
                {t("journeys.new")}
              </Button>
            ) : null}
          </Space>
        }
      />
      <Card style={{ marginBottom: 16 }}>
        {journeys.isError ? (
          <QueryErrorResult error={journeys.error} onRetry={() => void journeys.refetch()} />
        ) : (
          <Table<JourneyDto>
            rowKey="id"
            loading={journeys.isLoading}
            dataSource={items}
            pagination={items.length > 20 ? { pageSize: 20 } : false}
            locale={{ emptyText: <Empty description={t("journeys.empty")} /> }}
            onRow={(j) => rowTestId(`journey-row-${j.id}`)}
            data-testid="journeys-table"
            columns={[
              {
                title: t("journeys.col.name"),
                key: "name",
                render: (_: unknown, j) => (
                  <Space direction="vertical" size={0}>
                    <Link to={`/w/${workspaceId}/journeys/${j.id}`} data-testid={`journey-open-${j.id}`}>
                      {j.name}
                    </Link>
                    {j.description ? (
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {j.description}
                      </Typography.Text>
                    ) : null}
                  </Space>
                ),
              },
              {
                title: t("journeys.col.status"),
                key: "status",
                render: (_: unknown, j) => (
                  <Space size={4}>
                    <JourneyStatusTag status={j.status} />
                    {j.hasDraftChanges && j.liveVersion !== null ? <Tag color="orange">{t("journeys.draftChanges")}</Tag> : null}
                  </Space>
                ),
              },
              { title: t("journeys.col.version"), key: "version", render: (_: unknown, j) => (j.liveVersion === null ? "—" : `v${j.liveVersion}`) },
              { title: t("journeys.col.entered"), key: "entered", align: "right", render: (_: unknown, j) => <span data-testid={`journey-entered-${j.id}`}>{count(j, (r) => r.entered)}</span> },
              { title: t("journeys.col.inProgress"), key: "inProgress", align: "right", render: (_: unknown, j) => count(j, (r) => r.inProgress) },
              { title: t("journeys.col.goalReached"), key: "goalReached", align: "right", render: (_: unknown, j) => count(j, (r) => r.goalReached) },
              { title: t("journeys.col.updated"), dataIndex: "updatedAt", render: (v: string) => new Date(v).toLocaleString() },
              {
                title: "",
                key: "actions",
                render: (_: unknown, j) => (
                  <Space>
                    <Button size="small" onClick={() => open(j)}>
                      {t("journeys.open")}
                    </Button>
                    {canManage && j.liveVersion === null ? (
                      <Popconfirm
                        title={t("journeys.deleteConfirm")}
                        onConfirm={() => remove.mutate(j.id, { onSuccess: () => void message.success(t("journeys.deleted")), onError: (e) => reportError(e) })}
                      >
                        <Button size="small" danger data-testid={`journey-delete-${j.id}`}>
                          {t("journeys.delete")}
                        </Button>
                      </Popconfirm>
                    ) : null}
                  </Space>
                ),
              },
            ]}
          />
        )}
      </Card>
      <Typography.Title level={4}>{t("journeys.playbooks")}</Typography.Title>
      {playbooks.isError ? (
        <QueryErrorResult error={playbooks.error} onRetry={() => void playbooks.refetch()} />
      ) : (
        <Row gutter={[16, 16]} data-testid="playbook-gallery">
          {(playbooks.data?.items ?? []).map((p) => (
            <Col key={p.key} xs={24} md={12} xl={8}>
              <Card
                title={p.name}
                hoverable={canManage}
                style={{ height: "100%" }}
                data-testid={`playbook-${p.key}`}
                onClick={canManage ? () => setStarting(p) : undefined}
                actions={canManage ? [<span key="use" data-testid={`playbook-use-${p.key}`}>{t("journeys.playbooks.use")}</span>] : undefined}
              >
                <Typography.Paragraph type="secondary" ellipsis={{ rows: 3 }} style={{ marginBottom: 8 }}>
                  {p.description}
                </Typography.Paragraph>
                {p.needs.length > 0 ? <Typography.Text style={{ fontSize: 12 }}>{t("journeys.playbooks.needs", { needs: p.needs.join(", ") })}</Typography.Text> : null}
              </Card>
            </Col>
          ))}
          {playbooks.data && playbooks.data.items.length === 0 ? (
            <Col span={24}>
              <Empty description={t("journeys.playbooks.empty")} />
            </Col>
          ) : null}
        </Row>
      )}
      <StartJourneyModal workspaceId={workspaceId} open={starting !== undefined} playbook={starting ?? null} onClose={() => setStarting(undefined)} />
    </>
  );
}
