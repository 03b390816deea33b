import { CHANNELS, MESSAGE_STATUSES, type Channel, type MessageStatus as Status } from "@siyu/contracts";
import { Button, Card, Flex, Input, Select, Typography } from "antd";
import { useMemo, useState } from "react";
import { useSearchParams } from "react-router";
import { PageHeader } from "../../../components/page-header";
import { QueryErrorResult } from "../../../components/query-error-result";
import { useT } from "../../../lib/i18n";
import { FIRST_PAGE, currentCursor, pageNumber, popCursor, pushCursor, type CursorStack } from "../../../lib/paging/cursor-stack";
import { useCurrentWorkspace } from "../../../lib/session";
import { useMessages } from "../api/messaging-api";
import { isId, messageQuery, type MessageFilters } from "../message-view";
import { CustomerPicker } from "./customer-picker";
import { MessageDetailDrawer } from "./message-detail-drawer";
import { MessageTable } from "./message-table";
import { MessagingTabs } from "./messaging-tabs";
import { SendTestMessageCard } from "./send-test-message-card";

export function MessagesPage() {
  const t = useT();
  const { workspaceId, can } = useCurrentWorkspace();
  const [params] = useSearchParams();
  // The customer page links here with ?profileId=… to show that customer's messages.
  const [filters, setFilters] = useState<MessageFilters>(() => {
    const profileId = params.get("profileId") ?? "";
    return isId(profileId) ? { profileId } : {};
  });
  const [journeyText, setJourneyText] = useState("");
  const [stack, setStack] = useState<CursorStack>(FIRST_PAGE);
  const [openId, setOpenId] = useState<string | null>(null);
  const query = useMemo(() => messageQuery(filters, currentCursor(stack)), [filters, stack]);
  const messages = useMessages(workspaceId, query);
  const journeyInvalid = journeyText.trim() !== "" && !isId(journeyText);

  const filter = (change: Partial<MessageFilters>) => {
    setFilters((f) => ({ ...f, ...change }));
    setStack(FIRST_PAGE);
  };

  return (
    <>
      <MessagingTabs active="messages" />
      <PageHeader title={t("messaging.messages.title")} description={t("messaging.messages.description")} />
      <Flex vertical gap={16}>
        <Card>
          <Flex gap={8} wrap style={{ marginBottom: 16 }}>
            <Select<Channel>
              allowClear
              placeholder={t("messaging.messages.filter.channel")}
              style={{ width: 220 }}
              value={filters.channel}
              onChange={(channel) => filter({ channel })}
              options={CHANNELS.map((c) => ({ value: c, label: t(`messaging.channel.${c}`) }))}
              data-testid="messages-filter-channel"
            />
            <Select<Status>
              allowClear
              placeholder={t("messaging.messages.filter.status")}
              style={{ width: 200 }}
              value={filters.status}
              onChange={(status) => filter({ status })}
              options={MESSAGE_STATUSES.map((s) => ({ value: s, label: t(`messaging.status.${s}`) }))}
              data-testid="messages-filter-status"
            />
            <Input
                allowClear
                placeholder={t("messaging.messages.filter.journey")}
                style={{ width: 300 }}
                status={journeyInvalid ? "error" : undefined}
                value={journeyText}
                onChange={(e) => {
                  setJourneyText(e.target.value);
                  filter({ journeyId: e.target.value });
                }}
                data-testid="messages-filter-journey"
              />
            <div style={{ width: 280 }}>
              <CustomerPicker value={filters.profileId} onChange={(profileId) => filter({ profileId })} placeholder={t("messaging.messages.filter.customer")} testId="messages-filter-customer" />
            </div>
          </Flex>
          {journeyInvalid ? (
            <Typography.Text type="danger" style={{ display: "block", marginBottom: 8 }}>
              {t("messaging.messages.filter.journeyInvalid")}
            </Typography.Text>
          ) : null}
          {messages.isError ? (
            <QueryErrorResult error={messages.error} onRetry={() => void messages.refetch()} />
          ) : (
            <MessageTable messages={messages.data?.items ?? []} loading={messages.isFetching} onOpen={setOpenId} />
          )}
          <Flex justify="end" gap={8} align="center" style={{ marginTop: 12 }}>
            <Button disabled={pageNumber(stack) <= 1} onClick={() => setStack(popCursor)} data-testid="messages-previous">
              {t("common.previousPage")}
            </Button>
            <Typography.Text>{t("common.pageNumber", { page: pageNumber(stack) })}</Typography.Text>
            <Button disabled={!messages.data?.nextCursor} onClick={() => setStack((s) => pushCursor(s, messages.data?.nextCursor))} data-testid="messages-next">
              {t("common.nextPage")}
            </Button>
          </Flex>
        </Card>
        {can("journeys.manage") ? <SendTestMessageCard workspaceId={workspaceId} /> : null}
      </Flex>
      <MessageDetailDrawer messageId={openId} onClose={() => setOpenId(null)} />
    </>
  );
}
