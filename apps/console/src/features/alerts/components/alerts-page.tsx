import type { AlertRuleDto } from "@siyu/contracts";
import { App, Button, Card, Space } from "antd";
import { useState } from "react";
import { PageHeader } from "../../../components/page-header";
import { QueryErrorResult } from "../../../components/query-error-result";
import { useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useAlertRules, useEvaluateAlerts, useInstallAlertDefaults } from "../api/alerts";
import { AlertNotifications } from "./alert-notifications";
import { AlertRulesTable } from "./alert-rules-table";
import { RuleFormDrawer } from "./rule-form-drawer";

export function AlertsPage() {
  const t = useT();
  const { message } = App.useApp();
  const { workspaceId, can } = useCurrentWorkspace();
  const canManage = can("analytics.manage");
  const rules = useAlertRules(workspaceId);
  const install = useInstallAlertDefaults(workspaceId);
  const evaluate = useEvaluateAlerts(workspaceId);
  const reportError = useReportApiError();
  /** undefined: drawer closed; null: new rule. */
  const [editing, setEditing] = useState<AlertRuleDto | null | undefined>(undefined);
  return (
    <>
      <PageHeader title={t("alerts.title")} description={t("alerts.description")} />
      <AlertNotifications workspaceId={workspaceId} />
      <Card
        title={t("alerts.rules")}
        extra={
          canManage ? (
            <Space wrap>
              <Button
                loading={install.isPending}
                onClick={() => install.mutate(undefined, { onSuccess: (r) => void message.success(t("alerts.defaultsInstalled", { n: r.items.length })), onError: (e) => reportError(e) })}
                data-testid="alerts-install-defaults"
              >
                {t("alerts.installDefaults")}
              </Button>
              <Button
                loading={evaluate.isPending}
                onClick={() => evaluate.mutate(undefined, { onSuccess: (r) => void message.success(t("alerts.evaluated", { n: r.changed })), onError: (e) => reportError(e) })}
                data-testid="alerts-evaluate"
              >
                {t("alerts.evaluate")}
              </Button>
              <Button type="primary" onClick={() => setEditing(null)} data-testid="alerts-new-rule">
                {t("alerts.newRule")}
              </Button>
            </Space>
          ) : null
        }
      >
        {rules.isError ? (
          <QueryErrorResult error={rules.error} onRetry={() => void rules.refetch()} />
        ) : (
          <AlertRulesTable rules={rules.data?.items ?? []} loading={rules.isLoading} onEdit={setEditing} />
        )}
      </Card>
      <RuleFormDrawer workspaceId={workspaceId} rule={editing} onClose={() => setEditing(undefined)} />
    </>
  );
}
