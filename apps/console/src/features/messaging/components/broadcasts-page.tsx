import type { BroadcastDto, SegmentSummaryDto, TemplateDto } from "@siyu/contracts";
import { App, Button, Card, Popconfirm, Table, Tag } from "antd";
import { useState } from "react";
import { PageHeader } from "../../../components/page-header";
import { QueryErrorResult } from "../../../components/query-error-result";
import { formatDateTime } from "../../../lib/format/format-date-time";
import { useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { rowTestId } from "../../../lib/test-id";
import { useBroadcasts, useCancelBroadcast, useSegmentOptions, useTemplates } from "../api/messaging-api";
import { BROADCAST_STATUS_COLORS, canCancelBroadcast } from "../message-view";
import { BroadcastFormDrawer } from "./broadcast-form-drawer";
import { MessagingTabs } from "./messaging-tabs";

function nameOf(items: readonly (SegmentSummaryDto | TemplateDto)[] | undefined, id: string): string {
  return items?.find((item) => item.id === id)?.name ?? id.slice(0, 8);
}

export function BroadcastsPage() {
  const t = useT();
  const { message } = App.useApp();
  const { workspaceId, workspace, can } = useCurrentWorkspace();
  const canManage = can("journeys.manage");
  const broadcasts = useBroadcasts(workspaceId);
  const segments = useSegmentOptions(workspaceId);
  const templates = useTemplates(workspaceId);
  const cancel = useCancelBroadcast(workspaceId);
  const reportError = useReportApiError();
  const [creating, setCreating] = useState(false);
  const [cancelling, setCancelling] = useState<string | null>(null);
  const tz = workspace.timezone;

  return (
    <>
      <MessagingTabs active="broadcasts" />
      <PageHeader
        title={t("messaging.broadcasts.title")}
        description={t("messaging.broadcasts.description")}
        extra={
          canManage ? (
            <Button type="primary" onClick={() => setCreating(true)} data-testid="broadcast-new">
              {t("messaging.broadcasts.new")}
            </Button>
          ) : null
        }
      />
      <Card>
        {broadcasts.isError ? (
          <QueryErrorResult error={broadcasts.error} onRetry={() => void broadcasts.refetch()} />
        ) : (
          <Table<BroadcastDto>
            rowKey="id"
            size="middle"
            loading={broadcasts.isLoading}
            dataSource={broadcasts.data?.items ?? []}
            locale={{ emptyText: t("messaging.broadcasts.empty") }}
            pagination={{ pageSize: 50, hideOnSinglePage: true }}
            onRow={(row) => rowTestId(`broadcast-row-${row.id}`)}
            scroll={{ x: 1000 }}
            columns={[
              { title: t("messaging.broadcasts.col.name"), dataIndex: "name" },
              { title: t("messaging.broadcasts.col.segment"), dataIndex: "segmentId", render: (id: string) => nameOf(segments.data?.items, id) },
              { title: t("messaging.broadcasts.col.channel"), dataIndex: "channel", render: (c: BroadcastDto["channel"]) => t(`messaging.channel.${c}`) },
              { title: t("messaging.broadcasts.col.template"), dataIndex: "templateId", render: (id: string) => nameOf(templates.data?.items, id) },
              {
                title: t("messaging.broadcasts.col.status"),
                dataIndex: "status",
                render: (s: BroadcastDto["status"], row) => (
                  <Tag color={BROADCAST_STATUS_COLORS[s]} data-testid={`broadcast-status-${row.id}`}>
                    {t(`messaging.broadcasts.status.${s}`)}
                  </Tag>
                ),
              },
              { title: t("messaging.broadcasts.col.queued"), dataIndex: "queued", align: "right", render: (n: number, row) => <span data-testid={`broadcast-queued-${row.id}`}>{n.toLocaleString()}</span> },
              { title: t("messaging.broadcasts.col.nextAt"), dataIndex: "nextAt", render: (at: string | null) => formatDateTime(at, tz) },
              {
                title: t("messaging.broadcasts.col.repeat"),
                dataIndex: "repeatEveryDays",
                render: (n: number | null) => (n === null ? t("messaging.broadcasts.once") : t("messaging.broadcasts.everyDays", { n })),
              },
              ...(canManage
                ? [
                    {
                      title: t("common.actions"),
                      key: "actions",
                      width: 110,
                      render: (_: unknown, row: BroadcastDto) =>
                        canCancelBroadcast(row.status) ? (
                          <Popconfirm
                            title={t("messaging.broadcasts.confirmCancel", { name: row.name })}
                            onConfirm={() => {
                              setCancelling(row.id);
                              cancel.mutate(row.id, {
                                onSuccess: () => void message.success(t("messaging.broadcasts.cancelled")),
                                onError: (e) => reportError(e),
                                onSettled: () => setCancelling(null),
                              });
                            }}
                          >
                            <Button size="small" danger loading={cancelling === row.id} data-testid={`broadcast-cancel-${row.id}`}>
                              {t("messaging.broadcasts.cancel")}
                            </Button>
                          </Popconfirm>
                        ) : null,
                    },
                  ]
                : []),
            ]}
          />
        )}
      </Card>
      <BroadcastFormDrawer workspaceId={workspaceId} open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
