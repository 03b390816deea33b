import { Card, Typography } from "antd";
import { PageHeader } from "../../../components/page-header";
import { QueryErrorResult } from "../../../components/query-error-result";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useIdentityConflicts } from "../api/get-identity-conflicts";
import { CustomersTabs } from "./customers-tabs";
import { IdentityConflictsTable } from "./identity-conflicts-table";

export function IdentityConflictsPage() {
  const t = useT();
  const { workspaceId, workspace, can } = useCurrentWorkspace();
  const conflicts = useIdentityConflicts(workspaceId);
  const items = conflicts.data?.items ?? [];
  return (
    <>
      <PageHeader title={t("customers.title")} description={t("customers.description")} />
      <CustomersTabs active="conflicts" />
      <Card
        title={t("customers.conflicts.title")}
        extra={items.length > 0 ? <Typography.Text type="secondary">{t("customers.conflicts.count", { count: items.length })}</Typography.Text> : null}
      >
        <Typography.Paragraph type="secondary">{t("customers.conflicts.description")}</Typography.Paragraph>
        {conflicts.isError ? (
          <QueryErrorResult error={conflicts.error} onRetry={() => void conflicts.refetch()} />
        ) : (
          <IdentityConflictsTable
            workspaceId={workspaceId}
            conflicts={items}
            loading={conflicts.isPending}
            timeZone={workspace.timezone}
            canManage={can("customers.manage")}
          />
        )}
      </Card>
    </>
  );
}
