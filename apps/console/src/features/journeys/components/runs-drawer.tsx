import type { JourneyRunDto, RunStatus } from "@siyu/contracts";
import { Drawer, Table, Tag } from "antd";
import { Link } from "react-router";
import { QueryErrorResult } from "../../../components/query-error-result";
import { useT } from "../../../lib/i18n";
import { useJourneyRuns } from "../api/journeys";

const COLORS: Record<RunStatus, string> = { active: "blue", completed: "default", goal_reached: "green", exited: "default", failed: "red" };

/** The journey's recent runs: who is where, and when they move next. */
export function RunsDrawer(props: { workspaceId: string; journeyId: string; open: boolean; onClose: () => void; onShowNode: (nodeId: string) => void }) {
  const t = useT();
  const runs = useJourneyRuns(props.workspaceId, props.journeyId, props.open);
  const when = (v: string | null) => (v ? new Date(v).toLocaleString() : "—");
  return (
    <Drawer open={props.open} onClose={props.onClose} width={860} title={t("journeys.runs.title")} data-testid="journey-runs">
      {runs.isError ? (
        <QueryErrorResult error={runs.error} onRetry={() => void runs.refetch()} />
      ) : (
        <Table<JourneyRunDto>
          rowKey="id"
          size="small"
          loading={runs.isLoading}
          dataSource={runs.data?.items ?? []}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          columns={[
            { title: t("journeys.runs.customer"), dataIndex: "profileId", render: (id: string) => <Link to={`/w/${props.workspaceId}/customers/${id}`}>{id.slice(0, 8)}</Link> },
            {
              title: t("journeys.runs.status"),
              key: "status",
              render: (_: unknown, r) => (
                <>
                  <Tag color={COLORS[r.status]}>{t(`journeys.runs.status.${r.status}`)}</Tag>
                  {r.holdout ? <Tag>{t("journeys.runs.holdout")}</Tag> : null}
                </>
              ),
            },
            { title: t("journeys.runs.version"), dataIndex: "version", render: (v: number) => `v${v}` },
            { title: t("journeys.runs.node"), dataIndex: "currentNodeId", render: (id: string | null) => (id ? <a onClick={() => props.onShowNode(id)}>{id}</a> : "—") },
            { title: t("journeys.runs.entered"), dataIndex: "enteredAt", render: when },
            { title: t("journeys.runs.due"), dataIndex: "dueAt", render: when },
            { title: t("journeys.runs.ended"), dataIndex: "endedAt", render: when },
          ]}
        />
      )}
    </Drawer>
  );
}
