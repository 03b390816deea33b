import { App, Button, Empty, Popconfirm, Table } from "antd";
import type { TableColumnsType } from "antd";
import { Link } from "react-router";
import { useReportApiError } from "../../../lib/api";
import { formatDateTime } from "../../../lib/format/format-date-time";
import { useT } from "../../../lib/i18n";
import { rowTestId, testId } from "../../../lib/test-id";
import { useDismissIdentityConflict } from "../api/dismiss-identity-conflict";
import type { IdentityConflict } from "../api/get-identity-conflicts";
import { identifierTypeLabel, parseConflictReason } from "../identifier-labels";
import { IdentifierChip } from "./identifier-display";

type Side = IdentityConflict["a"];

export function IdentityConflictsTable(props: {
  workspaceId: string;
  conflicts: readonly IdentityConflict[];
  loading: boolean;
  timeZone: string;
  canManage: boolean;
}) {
  const t = useT();
  const { message } = App.useApp();
  const reportError = useReportApiError();
  const dismiss = useDismissIdentityConflict(props.workspaceId);

  const side = (s: Side, testIdPrefix: string) => (
    <div>
      <IdentifierChip type={s.type} value={s.value} />
      <div>
        <Link to={`/w/${props.workspaceId}/customers/${s.profileId}`} data-testid={`${testIdPrefix}-${s.profileId}`} style={{ fontSize: 12 }}>
          {t("customers.conflicts.openProfile")} · {s.profileId.slice(-8)}
        </Link>
      </div>
    </div>
  );

  const reason = (text: string) => {
    const parsed = parseConflictReason(text);
    if (!parsed) return text || "—";
    const label = identifierTypeLabel(parsed.type);
    return t("customers.conflicts.reason.maxPerProfile", { max: parsed.max, type: t(label.key, label.params) });
  };

  const columns: TableColumnsType<IdentityConflict> = [
    {
      title: t("customers.conflicts.at", { timeZone: props.timeZone }),
      dataIndex: "at",
      width: 190,
      render: (at: string) => <span style={{ whiteSpace: "nowrap" }}>{formatDateTime(at, props.timeZone)}</span>,
    },
    { title: t("customers.conflicts.a"), key: "a", render: (_v, c) => side(c.a, "conflict-profile-a") },
    { title: t("customers.conflicts.b"), key: "b", render: (_v, c) => side(c.b, "conflict-profile-b") },
    { title: t("customers.conflicts.reason"), dataIndex: "reason", width: 240, render: (text: string) => reason(text) },
  ];
  if (props.canManage) {
    columns.push({
      title: t("common.actions"),
      key: "actions",
      width: 120,
      render: (_v, c) => (
        <Popconfirm
          title={t("customers.conflicts.dismissConfirm")}
          description={<div style={{ maxWidth: 300 }}>{t("customers.conflicts.dismissHint")}</div>}
          okText={t("customers.conflicts.dismiss")}
          cancelText={t("common.cancel")}
          okButtonProps={testId("conflict-dismiss-confirm")}
          onConfirm={() =>
            dismiss
              .mutateAsync(
                { aId: c.aId, bId: c.bId },
                {
                  onSuccess: () => void message.success(t("customers.conflicts.dismissed")),
                  onError: (error) => reportError(error),
                },
              )
              .catch(() => undefined)
          }
        >
          <Button
            size="small"
            loading={dismiss.isPending && dismiss.variables?.aId === c.aId && dismiss.variables.bId === c.bId}
            data-testid={`conflict-dismiss-${c.aId}-${c.bId}`}
          >
            {t("customers.conflicts.dismiss")}
          </Button>
        </Popconfirm>
      ),
    });
  }
  return (
    <div data-testid="conflict-table">
      <Table<IdentityConflict>
        rowKey={(c) => `${c.aId}:${c.bId}`}
        size="middle"
        columns={columns}
        dataSource={[...props.conflicts]}
        loading={props.loading}
        pagination={props.conflicts.length > 20 ? { pageSize: 20 } : false}
        scroll={{ x: 960 }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("customers.conflicts.empty")} /> }}
        onRow={(c) => rowTestId(`conflict-row-${c.aId}-${c.bId}`)}
      />
    </div>
  );
}
