import type { Permission } from "@siyu/contracts";
import { Result } from "antd";
import type { ReactNode } from "react";
import { useT } from "../lib/i18n";
import { useCurrentWorkspace } from "../lib/session";

/** Pages check the role too: a hidden menu entry does not stop someone typing the URL. */
export function RequirePermission(props: { permission: Permission; children: ReactNode }) {
  const { can } = useCurrentWorkspace();
  const t = useT();
  if (!can(props.permission)) {
    return (
      <div data-testid="no-permission">
        <Result status="403" title={t("common.noPermission.title")} subTitle={t("common.noPermission.subtitle")} />
      </div>
    );
  }
  return <>{props.children}</>;
}
