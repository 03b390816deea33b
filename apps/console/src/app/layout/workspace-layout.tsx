import { Button, Result } from "antd";
import { useEffect } from "react";
import { useNavigate, useParams } from "react-router";
import { useT } from "../../lib/i18n";
import { CurrentWorkspaceProvider, findMembership, rememberWorkspaceId, useMe } from "../../lib/session";
import { AppShell } from "./app-shell";

/** /w/:workspaceId/* — checks membership, then provides the workspace and role to every page below. */
export function WorkspaceLayout() {
  const t = useT();
  const navigate = useNavigate();
  const { workspaceId } = useParams();
  const me = useMe();
  const membership = me.data ? findMembership(me.data.memberships, workspaceId) : undefined;

  useEffect(() => {
    if (membership) rememberWorkspaceId(membership.workspace.id);
  }, [membership]);

  // RequireSession above guarantees /me has loaded.
  if (!me.data) return null;
  if (!membership) {
    return (
      <Result
        status="404"
        title={t("workspace.notMember.title")}
        subTitle={t("workspace.notMember.subtitle")}
        extra={
          <Button type="primary" onClick={() => void navigate("/", { replace: true })}>
            {t("workspace.notMember.back")}
          </Button>
        }
      />
    );
  }
  return (
    <CurrentWorkspaceProvider membership={membership}>
      <AppShell me={me.data} />
    </CurrentWorkspaceProvider>
  );
}
