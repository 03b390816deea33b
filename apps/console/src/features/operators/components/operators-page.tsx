import { UserAddOutlined } from "@ant-design/icons";
import { Button, Card, Tabs } from "antd";
import { useMemo, useState } from "react";
import { PageHeader } from "../../../components/page-header";
import { QueryErrorResult } from "../../../components/query-error-result";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useInvitations } from "../api/get-invitations";
import { useOperators } from "../api/get-operators";
import { useRoles } from "../api/get-roles";
import { useStoreOptions } from "../api/get-store-options";
import { CreateInvitationModal } from "./create-invitation-modal";
import { InvitationListTable } from "./invitation-list-table";
import { OperatorListTable } from "./operator-list-table";
import { RolePermissionMatrix } from "./role-permission-matrix";

export function OperatorsPage() {
  const t = useT();
  const { workspaceId, workspace, role, can } = useCurrentWorkspace();
  const canManage = can("operators.manage");
  const operators = useOperators(workspaceId);
  const invitations = useInvitations(workspaceId);
  const roles = useRoles();
  const stores = useStoreOptions(workspaceId, "");
  const [inviting, setInviting] = useState(false);

  const storeNames = useMemo(
    () => new Map((stores.data?.items ?? []).map((s) => [s.id, s.name] as const)),
    [stores.data],
  );

  return (
    <>
      <PageHeader
        title={t("operators.title")}
        description={t("operators.description")}
        extra={
          canManage ? (
            <Button type="primary" icon={<UserAddOutlined />} onClick={() => setInviting(true)} data-testid="invitation-create">
              {t("operators.invitation.createTitle")}
            </Button>
          ) : null
        }
      />
      <Card>
        <Tabs
          items={[
            {
              key: "members",
              label: t("operators.tab.members"),
              children: operators.isError ? (
                <QueryErrorResult error={operators.error} onRetry={() => void operators.refetch()} />
              ) : (
                <OperatorListTable
                  workspaceId={workspaceId}
                  operators={operators.data?.items ?? []}
                  loading={operators.isPending}
                  timeZone={workspace.timezone}
                  canManage={canManage}
                  storeNames={storeNames}
                />
              ),
            },
            {
              key: "invitations",
              label: t("operators.tab.invitations"),
              children: invitations.isError ? (
                <QueryErrorResult error={invitations.error} onRetry={() => void invitations.refetch()} />
              ) : (
                <InvitationListTable
                  workspaceId={workspaceId}
                  invitations={invitations.data?.items ?? []}
                  loading={invitations.isPending}
                  timeZone={workspace.timezone}
                  canManage={canManage}
                />
              ),
            },
            {
              key: "roles",
              label: t("operators.tab.roles"),
              children: roles.isError ? (
                <QueryErrorResult error={roles.error} onRetry={() => void roles.refetch()} />
              ) : (
                <RolePermissionMatrix roles={roles.data} loading={roles.isPending} currentRole={role} />
              ),
            },
          ]}
        />
      </Card>
      <CreateInvitationModal workspaceId={workspaceId} open={inviting} onClose={() => setInviting(false)} />
    </>
  );
}
