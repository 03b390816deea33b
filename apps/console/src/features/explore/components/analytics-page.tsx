import { Tabs } from "antd";
import { PageHeader } from "../../../components/page-header";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { EventsPanel } from "./events-panel";
import { FunnelPanel } from "./funnel-panel";
import { PathsPanel } from "./paths-panel";
import { RetentionPanel } from "./retention-panel";

export function AnalyticsPage() {
  const t = useT();
  const { workspaceId, can } = useCurrentWorkspace();
  const canManage = can("analytics.manage");
  return (
    <>
      <PageHeader title={t("explore.title")} description={t("explore.description")} />
      <Tabs
        destroyOnHidden={false}
        items={[
          { key: "events", label: <span data-testid="explore-tab-events">{t("explore.tab.events")}</span>, children: <EventsPanel workspaceId={workspaceId} canManage={canManage} /> },
          {
            key: "funnel",
            label: <span data-testid="explore-tab-funnel">{t("explore.tab.funnel")}</span>,
            children: <FunnelPanel workspaceId={workspaceId} canManage={canManage} canSaveSegment={can("segments.manage")} />,
          },
          { key: "retention", label: <span data-testid="explore-tab-retention">{t("explore.tab.retention")}</span>, children: <RetentionPanel workspaceId={workspaceId} canManage={canManage} /> },
          { key: "paths", label: <span data-testid="explore-tab-paths">{t("explore.tab.paths")}</span>, children: <PathsPanel workspaceId={workspaceId} canManage={canManage} /> },
        ]}
      />
    </>
  );
}
