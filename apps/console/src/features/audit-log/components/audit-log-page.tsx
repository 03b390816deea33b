import { AutoComplete, Button, Card, Flex, Input, Typography } from "antd";
import { useMemo, useState } from "react";
import { useSearchParams } from "react-router";
import { PageHeader } from "../../../components/page-header";
import { QueryErrorResult } from "../../../components/query-error-result";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useAuditLog } from "../api/get-audit-log";

import { AuditLogTable } from "./audit-log-table";

/** Actions every workspace has from day one; others are suggested once they appear in the log. */
const KNOWN_ACTIONS = [
  "workspace.created",
  "workspace.updated",
  "store.created",
  "store.updated",
  "store.deleted",
  "operator.updated",
  "operator.removed",
  "invitation.created",
  "invitation.accepted",
  "invitation.revoked",
  "api_key.created",
  "api_key.revoked",
  "import.profiles",
  "import.orders",
  "identity.settings_updated",
];

export function AuditLogPage() {
  const t = useT();
  const { workspaceId, workspace } = useCurrentWorkspace();
  // The action filter lives in the URL, so other pages can link to "the audit log of this kind of change".
  const [searchParams, setSearchParams] = useSearchParams();
  const action = searchParams.get("action")?.trim() || undefined;
  const [draft, setDraft] = useState(action ?? "");
  const audit = useAuditLog(workspaceId, { action });

  const entries = useMemo(() => audit.data?.pages.flatMap((page) => page.items) ?? [], [audit.data]);
  const actionOptions = useMemo(() => {
    const seen = new Set([...KNOWN_ACTIONS, ...entries.map((e) => e.action)]);
    return [...seen]
      .filter((a) => a.includes(draft.trim()))
      .sort()
      .map((value) => ({ value }));
  }, [entries, draft]);

  const apply = (value: string) => {
    const trimmed = value.trim();
    setDraft(trimmed);
    setSearchParams(trimmed === "" ? {} : { action: trimmed }, { replace: true });
  };

  return (
    <>
      <PageHeader title={t("auditLog.title")} description={t("auditLog.description")} />
      <Card>
        <Flex gap={8} align="center" wrap style={{ marginBottom: 16 }}>
          <AutoComplete
            value={draft}
            options={actionOptions}
            onChange={setDraft}
            onSelect={apply}
            style={{ width: 320 }}
          >
            <Input.Search
              allowClear
              placeholder={t("auditLog.filter.action")}
              onSearch={apply}
              data-testid="audit-action-filter"
            />
          </AutoComplete>
          {action ? (
            <Typography.Text type="secondary">{t("auditLog.filter.active", { action })}</Typography.Text>
          ) : null}
        </Flex>
        {audit.isError ? (
          <QueryErrorResult error={audit.error} onRetry={() => void audit.refetch()} />
        ) : (
          <AuditLogTable entries={entries} loading={audit.isPending} timeZone={workspace.timezone} />
        )}
        <Flex justify="center" style={{ marginTop: 16 }}>
          {audit.hasNextPage ? (
            <Button
              onClick={() => void audit.fetchNextPage()}
              loading={audit.isFetchingNextPage}
              data-testid="audit-log-load-more"
            >
              {t("common.loadMore")}
            </Button>
          ) : entries.length > 0 ? (
            <Typography.Text type="secondary">{t("auditLog.end", { count: entries.length })}</Typography.Text>
          ) : null}
        </Flex>
      </Card>
    </>
  );
}
