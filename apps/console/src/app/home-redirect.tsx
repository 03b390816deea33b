import { Navigate } from "react-router";
import { NoWorkspacePage } from "../features/workspaces";
import { pickDefaultWorkspaceId, readRememberedWorkspaceId, useMe } from "../lib/session";

/** "/" opens the last workspace used on this browser, or the first one. */
export function HomeRedirect() {
  const me = useMe();
  if (!me.data) return null;
  const workspaceId = pickDefaultWorkspaceId(me.data.memberships, readRememberedWorkspaceId());
  if (!workspaceId) return <NoWorkspacePage />;
  return <Navigate to={`/w/${workspaceId}/overview`} replace />;
}
