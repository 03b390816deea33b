import { Card } from "antd";
import { useState } from "react";
import { Link } from "react-router";
import { QueryErrorResult } from "../../../components/query-error-result";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useMessages } from "../api/messaging-api";
import { MessageDetailDrawer } from "./message-detail-drawer";
import { MessageTable } from "./message-table";

/** The customer's latest messages and why any was not sent; nothing without journeys.read. */
export function CustomerMessagesCard(props: { profileId: string }) {
  const { can } = useCurrentWorkspace();
  return can("journeys.read") ? <MessagesCard profileId={props.profileId} /> : null;
}

function MessagesCard(props: { profileId: string }) {
  const t = useT();
  const { workspaceId } = useCurrentWorkspace();
  const messages = useMessages(workspaceId, { profileId: props.profileId, limit: 10 });
  const [openId, setOpenId] = useState<string | null>(null);
  return (
    <Card
      title={t("messaging.customerCard.title")}
      data-testid="customer-messages"
      extra={
        <Link to={`/w/${workspaceId}/journeys/messages?profileId=${encodeURIComponent(props.profileId)}`} data-testid="customer-messages-all">
          {t("messaging.customerCard.all")}
        </Link>
      }
    >
      {messages.isError ? (
        <QueryErrorResult error={messages.error} onRetry={() => void messages.refetch()} />
      ) : (
        <MessageTable compact messages={messages.data?.items ?? []} loading={messages.isLoading} onOpen={setOpenId} />
      )}
      <MessageDetailDrawer messageId={openId} onClose={() => setOpenId(null)} />
    </Card>
  );
}
