import type { AlertRuleDto } from "@siyu/contracts";
import { Button, Popconfirm, Space, Switch, Table, Tag, type TableColumnsType } from "antd";
import { useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useDeleteAlertRule, useSaveAlertRule } from "../api/alerts";
import { describeCondition, describeMetric } from "../alerts-view";
import { ruleBodyOf } from "../rule-form-values";
import { AlertSeverityTag } from "../../../components/alert-severity-tag";

export function AlertRulesTable(props: { rules: readonly AlertRuleDto[]; loading: boolean; onEdit: (rule: AlertRuleDto) => void }) {
  const t = useT();
  const { workspaceId, can } = useCurrentWorkspace();
  const canManage = can("analytics.manage");
  const save = useSaveAlertRule(workspaceId);
  const remove = useDeleteAlertRule(workspaceId);
  const reportError = useReportApiError();
  const columns: TableColumnsType<AlertRuleDto> = [
    { key: "name", title: t("alerts.col.name"), render: (_, r) => r.name },
    { key: "metric", title: t("alerts.col.metric"), render: (_, r) => describeMetric(r.metric, t) },
    { key: "condition", title: t("alerts.col.condition"), render: (_, r) => describeCondition(r, t) },
    { key: "period", title: t("alerts.col.period"), render: (_, r) => t(`alerts.granularity.${r.granularity}`) },
    { key: "consecutive", title: t("alerts.col.consecutive"), align: "right", render: (_, r) => r.consecutive },
    { key: "severity", title: t("alerts.col.severity"), render: (_, r) => <AlertSeverityTag severity={r.severity} /> },
    {
      key: "state",
      title: t("alerts.col.state"),
      render: (_, r) => <Tag color={r.state === "firing" ? "red" : "green"} data-testid={`alert-rule-state-${r.id}`}>{t(`alerts.state.${r.state}`)}</Tag>,
    },
    { key: "evaluatedThrough", title: t("alerts.col.evaluatedThrough"), render: (_, r) => <span style={{ whiteSpace: "nowrap" }}>{r.evaluatedThrough ?? "—"}</span> },
    {
      key: "enabled",
      title: t("alerts.col.enabled"),
      render: (_, r) => (
        <Switch
          size="small"
          checked={r.enabled}
          disabled={!canManage}
          loading={save.isPending && save.variables?.ruleId === r.id}
          onChange={(enabled) => save.mutate({ ruleId: r.id, body: { ...ruleBodyOf(r), enabled } }, { onError: (error) => reportError(error) })}
          data-testid={`alert-rule-enabled-${r.id}`}
        />
      ),
    },
  ];
  if (canManage)
    columns.push({
      key: "actions",
      title: t("common.actions"),
      render: (_, r) => (
        <Space>
          <Button size="small" onClick={() => props.onEdit(r)} data-testid={`alert-rule-edit-${r.id}`}>
            {t("common.edit")}
          </Button>
          <Popconfirm title={t("alerts.confirmDelete")} onConfirm={() => remove.mutate(r.id, { onError: (error) => reportError(error) })}>
            <Button size="small" danger data-testid={`alert-rule-delete-${r.id}`}>
              {t("common.delete")}
            </Button>
          </Popconfirm>
        </Space>
      ),
    });
  return <Table<AlertRuleDto> size="small" rowKey="id" loading={props.loading} columns={columns} dataSource={[...props.rules]} pagination={false} scroll={{ x: true }} locale={{ emptyText: t("alerts.noRules") }} data-testid="alert-rules" />;
}
