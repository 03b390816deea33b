import type { MessageDto } from "@siyu/contracts";
import { Descriptions, Drawer, Empty, Flex, Skeleton, Typography } from "antd";
import { Link } from "react-router";
import { QueryErrorResult } from "../../../components/query-error-result";
import { formatDateTime } from "../../../lib/format/format-date-time";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useMessage } from "../api/messaging-api";
import { renderedFields } from "../message-view";
import { fieldLabel } from "../template-form";
import { MessageStatus } from "./message-status";

/** One message: what was rendered, where it went, the attempts and the last error. */
export function MessageDetailDrawer(props: { messageId: string | null; onClose: () => void }) {
  const t = useT();
  const { workspaceId } = useCurrentWorkspace();
  const message = useMessage(workspaceId, props.messageId);
  return (
    <Drawer open={props.messageId !== null} onClose={props.onClose} width={640} title={t("messaging.detail.title")} destroyOnHidden data-testid="message-detail">
      {message.isError ? (
        <QueryErrorResult error={message.error} onRetry={() => void message.refetch()} />
      ) : message.data ? (
        <MessageDetail message={message.data} workspaceId={workspaceId} />
      ) : (
        <Skeleton active />
      )}
    </Drawer>
  );
}

function MessageDetail(props: { message: MessageDto; workspaceId: string }) {
  const t = useT();
  const { workspace } = useCurrentWorkspace();
  const { message: m } = props;
  const tz = workspace.timezone;
  const fields = renderedFields(m);
  return (
    <Flex vertical gap={16}>
      <Descriptions column={1} size="small" bordered>
        <Descriptions.Item label={t("messaging.messages.col.status")}>
          <MessageStatus message={m} />
        </Descriptions.Item>
        <Descriptions.Item label={t("messaging.messages.col.channel")}>{t(`messaging.channel.${m.channel}`)}</Descriptions.Item>
        <Descriptions.Item label={t("messaging.messages.col.category")}>{t(`messaging.category.${m.category}`)}</Descriptions.Item>
        <Descriptions.Item label={t("messaging.messages.col.customer")}>
          <Link to={`/w/${props.workspaceId}/customers/${m.profileId}`} data-testid="message-detail-customer">
            {t("messaging.detail.openCustomer")}
          </Link>{" "}
          <Typography.Text code>{m.profileId}</Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t("messaging.detail.address")}>{m.address ?? "—"}</Descriptions.Item>
        <Descriptions.Item label={t("messaging.messages.col.source")}>
          {t(`messaging.source.${m.source.kind}`)}
          {m.source.journeyId ? (
            <Typography.Text code style={{ marginLeft: 8 }}>
              {m.source.journeyId}
              {m.source.journeyVersion !== null ? ` v${m.source.journeyVersion}` : ""}
              {m.source.nodeId ? ` · ${m.source.nodeId}` : ""}
            </Typography.Text>
          ) : null}
          {m.source.broadcastId ? (
            <Typography.Text code style={{ marginLeft: 8 }}>
              {m.source.broadcastId}
            </Typography.Text>
          ) : null}
        </Descriptions.Item>
        {m.templateId ? (
          <Descriptions.Item label={t("messaging.detail.template")}>
            <Typography.Text code>{m.templateId}</Typography.Text>
          </Descriptions.Item>
        ) : null}
        <Descriptions.Item label={t("messaging.messages.col.createdAt")}>{formatDateTime(m.createdAt, tz)}</Descriptions.Item>
        <Descriptions.Item label={t("messaging.detail.dueAt")}>{formatDateTime(m.dueAt, tz)}</Descriptions.Item>
        <Descriptions.Item label={t("messaging.detail.deliveredAt")}>{formatDateTime(m.deliveredAt, tz)}</Descriptions.Item>
        <Descriptions.Item label={t("messaging.detail.attempts")}>
          <span data-testid="message-detail-attempts">{m.attempts}</span>
        </Descriptions.Item>
        {m.error ? (
          <Descriptions.Item label={t("messaging.detail.error")}>
            <Typography.Text type="danger" data-testid="message-detail-error">
              {m.error}
            </Typography.Text>
          </Descriptions.Item>
        ) : null}
      </Descriptions>
      <Typography.Title level={5} style={{ margin: 0 }}>
        {t("messaging.detail.rendered")}
      </Typography.Title>
      {fields.length === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("messaging.preview.empty")} /> : null}
      {fields.map(({ field, value }) => (
        <div key={field} data-testid={`message-detail-${field}`}>
          <Typography.Text strong>{t(`messaging.field.${fieldLabel(m.channel, field)}`)}</Typography.Text>
          <pre style={{ whiteSpace: "pre-wrap", wordBreak: "break-word", margin: "4px 0 0", padding: 8, background: "rgba(0,0,0,0.03)", borderRadius: 6 }}>{value}</pre>
        </div>
      ))}
    </Flex>
  );
}
