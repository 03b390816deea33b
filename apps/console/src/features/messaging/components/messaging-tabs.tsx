import { Tabs } from "antd";
import { useNavigate } from "react-router";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";

export type MessagingTab = "journeys" | "broadcasts" | "templates" | "messages" | "channels";
const TABS: readonly MessagingTab[] = ["journeys", "broadcasts", "templates", "messages", "channels"];

/** The views of the Journeys module; each is a route below /journeys. */
export function MessagingTabs(props: { active: MessagingTab }) {
  const t = useT();
  const navigate = useNavigate();
  const { workspaceId } = useCurrentWorkspace();
  return (
    <Tabs
      activeKey={props.active}
      onChange={(key) => void navigate(`/w/${workspaceId}/journeys${key === "journeys" ? "" : `/${key}`}`)}
      style={{ marginBottom: 8 }}
      items={TABS.map((tab) => ({ key: tab, label: <span data-testid={`journeys-tab-${tab}`}>{t(`messaging.tab.${tab}`)}</span> }))}
    />
  );
}
