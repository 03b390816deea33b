import type { Permission } from "@siyu/contracts";
import { Result } from "antd";
import type { ReactNode } from "react";
import { useT } from "../lib/i18n";
import { useCurrentWorkspace } from "../lib/session";

/**
 * Pages check the role too: a hidden menu entry does not stop someone typing the URL.
 * With a list, any one of the permissions opens the page (which then offers only what the role allows).
 */
export function RequirePermission(props: { permission: Permission | readonly Permission[]; children: ReactNode }) {
  const { can } = useCurrentWorkspace();
  const t = useT();
  const permissions: readonly Permission[] = typeof props.permission === "string" ? [props.permission] : props.permission;
  if (!permissions.some((permission) => can(permission))) {
    return (
      <div data-testid="no-permission">
        <Result status="403" title={t("common.noPermission.title")} subTitle={t("common.noPermission.subtitle")} />
      </div>
    );
  }
  return <>{props.children}</>;
}
