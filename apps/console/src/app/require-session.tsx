import { Navigate, Outlet, useLocation } from "react-router";
import { FullPageSpin } from "../components/full-page-spin";
import { QueryErrorResult } from "../components/query-error-result";
import { loginPathFor } from "../features/auth";
import { isSessionExpired } from "../lib/api";
import { useMe } from "../lib/session";

/** Everything below needs a logged-in operator: loads /me once and sends strangers to /login. */
export function RequireSession() {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <FullPageSpin />;
  if (me.isError) {
    if (isSessionExpired(me.error)) return <Navigate to={loginPathFor(location.pathname, location.search)} replace />;
    return <QueryErrorResult error={me.error} onRetry={() => void me.refetch()} />;
  }
  return <Outlet />;
}
