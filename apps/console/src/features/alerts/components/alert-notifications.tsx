import type { AlertEventDto } from "@siyu/contracts";
import { Button, Card, Empty, List, Space, Switch, Tag, Typography } from "antd";
import { useState } from "react";
import { AlertSeverityTag } from "../../../components/alert-severity-tag";
import { QueryErrorResult } from "../../../components/query-error-result";
import { useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { useAcknowledgeAlert, useAlertEvents } from "../api/alerts";

const WEBHOOK_COLORS: Record<AlertEventDto["webhook"], string> = { none: "default", pending: "processing", delivered: "success", failed: "error" };

/** Unacknowledged alerts first thing on the page, each with its plan and an Acknowledge button. */
export function AlertNotifications(props: { workspaceId: string }) {
  const t = useT();
  const [showAll, setShowAll] = useState(false);
  const events = useAlertEvents(props.workspaceId, showAll);
  const acknowledge = useAcknowledgeAlert(props.workspaceId);
  const reportError = useReportApiError();
  return (
    <Card
      title={
        <Space>
          {t("alerts.notifications")}
          {events.data && events.data.unacknowledged > 0 ? <Tag color="red" data-testid="alerts-unacknowledged">{events.data.unacknowledged}</Tag> : null}
        </Space>
      }
      extra={
        <Space>
          <Typography.Text type="secondary">{t("alerts.showAll")}</Typography.Text>
          <Switch size="small" checked={showAll} onChange={setShowAll} data-testid="alerts-show-all" />
        </Space>
      }
      style={{ marginBottom: 16 }}
      data-testid="alerts-notifications"
    >
      {events.isError ? (
        <QueryErrorResult error={events.error} onRetry={() => void events.refetch()} />
      ) : (
        <List<AlertEventDto>
          loading={events.isLoading}
          dataSource={events.data?.items ?? []}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("alerts.noNotifications")} /> }}
          renderItem={(e) => (
            <List.Item
              data-testid={`alert-event-${e.id}`}
              actions={[
                e.acknowledgedAt ? (
                  <Typography.Text type="secondary" key="ack">{t("alerts.acknowledged")}</Typography.Text>
                ) : (
                  <Button
                    key="ack"
                    size="small"
                    loading={acknowledge.isPending && acknowledge.variables === e.id}
                    onClick={() => acknowledge.mutate(e.id, { onError: (error) => reportError(error) })}
                    data-testid={`alert-ack-${e.id}`}
                  >
                    {t("alerts.acknowledge")}
                  </Button>
                ),
              ]}
            >
              <List.Item.Meta
                title={
                  <Space wrap>
                    <AlertSeverityTag severity={e.severity} />
                    <Tag color={e.kind === "fired" ? "volcano" : "green"}>{t(`alerts.kind.${e.kind}`)}</Tag>
                    <span>{e.ruleName}</span>
                  </Space>
                }
                description={
                  <Space direction="vertical" size={2}>
                    <Typography.Text>{e.message}</Typography.Text>
                    <Typography.Text type="secondary">
                      {t("alerts.periodFrom", { period: e.periodStart })} · {t("alerts.webhook")}: <Tag color={WEBHOOK_COLORS[e.webhook]}>{t(`alerts.webhook.${e.webhook}`)}</Tag>
                    </Typography.Text>
                    {e.plan ? (
                      <Typography.Text type="secondary">
                        {t("alerts.plan")}: {e.plan}
                      </Typography.Text>
                    ) : null}
                  </Space>
                }
              />
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
