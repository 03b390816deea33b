import { Badge, Tabs } from "antd";
import { useNavigate } from "react-router";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useIdentityConflicts } from "../api/get-identity-conflicts";

/** The two views of the Customers module: the people, and the links waiting for a person to judge. */
export function CustomersTabs(props: { active: "list" | "conflicts" }) {
  const t = useT();
  const navigate = useNavigate();
  const { workspaceId } = useCurrentWorkspace();
  const conflicts = useIdentityConflicts(workspaceId);
  const open = conflicts.data?.items.length ?? 0;
  return (
    <Tabs
      activeKey={props.active}
      onChange={(key) => void navigate(`/w/${workspaceId}/customers${key === "conflicts" ? "/conflicts" : ""}`)}
      style={{ marginBottom: 8 }}
      items={[
        { key: "list", label: <span data-testid="customers-tab-list">{t("customers.tab.list")}</span> },
        {
          key: "conflicts",
          label: (
            <span data-testid="customers-tab-conflicts">
              {t("customers.tab.conflicts")}
              {open > 0 ? <Badge count={open} size="small" style={{ marginLeft: 6 }} /> : null}
            </span>
          ),
        },
      ]}
    />
  );
}
