import type { TimelineDto } from "@siyu/contracts";
import { Button, Card, Empty, Flex, Popover, Skeleton, Tag, Timeline, Typography } from "antd";
import { useMemo } from "react";
import { QueryErrorResult } from "../../../components/query-error-result";
import { formatDateTime } from "../../../lib/format/format-date-time";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useCustomerEvents } from "../api/get-customer-events";
import { summariseProperties, timelineEventName } from "../event-display";

type TimelineEvent = TimelineDto["items"][number];

const TYPE_COLORS: Record<string, string> = {
  track: "green",
  identify: "blue",
  page: "gray",
  screen: "gray",
  alias: "purple",
  group: "orange",
};

function TimelineEntry(props: { event: TimelineEvent; timeZone: string }) {
  const t = useT();
  const { event } = props;
  const summary = summariseProperties(event.properties);
  const name = timelineEventName(event);
  return (
    <div data-testid={`customer-event-${event.seq}`}>
      <Flex gap={8} align="center" wrap>
        <Typography.Text strong>{name}</Typography.Text>
        {name !== event.type && event.type !== "track" ? <Tag>{event.type}</Tag> : null}
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {formatDateTime(event.ts, props.timeZone)}
        </Typography.Text>
        {summary.entries.length > 0 ? (
          <Popover
            trigger="click"
            title={event.messageId}
            content={<pre style={{ maxWidth: 480, maxHeight: 360, overflow: "auto", margin: 0 }}>{JSON.stringify(event.properties, null, 2)}</pre>}
          >
            <Button type="link" size="small" style={{ padding: 0, height: "auto" }}>
              {t("customers.timeline.details")}
            </Button>
          </Popover>
        ) : null}
      </Flex>
      {summary.entries.length > 0 ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {summary.entries.map(([key, value]) => `${key}: ${value}`).join(" · ")}
          {summary.hidden > 0 ? ` · ${t("customers.timeline.more", { count: summary.hidden })}` : ""}
        </Typography.Text>
      ) : null}
    </div>
  );
}

/** Newest first, paged backwards: "load older" continues before the oldest event shown. */
export function CustomerTimeline(props: { profileId: string }) {
  const t = useT();
  const { workspaceId, workspace } = useCurrentWorkspace();
  const events = useCustomerEvents(workspaceId, props.profileId);
  const items = useMemo(() => events.data?.pages.flatMap((page) => page.items) ?? [], [events.data]);

  let body;
  if (events.isPending) body = <Skeleton active paragraph={{ rows: 4 }} />;
  else if (events.isError) body = <QueryErrorResult error={events.error} onRetry={() => void events.refetch()} />;
  else if (items.length === 0) body = <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("customers.timeline.empty")} />;
  else {
    body = (
      <>
        <Timeline
          items={items.map((event) => ({
            key: event.seq,
            color: TYPE_COLORS[event.type] ?? "gray",
            children: <TimelineEntry event={event} timeZone={workspace.timezone} />,
          }))}
        />
        <Flex justify="center">
          {events.hasNextPage ? (
            <Button onClick={() => void events.fetchNextPage()} loading={events.isFetchingNextPage} data-testid="customer-timeline-load-older">
              {t("customers.timeline.loadOlder")}
            </Button>
          ) : (
            <Typography.Text type="secondary">{t("customers.timeline.end")}</Typography.Text>
          )}
        </Flex>
      </>
    );
  }
  return (
    <Card title={t("customers.timeline.title")} data-testid="customer-timeline">
      {body}
    </Card>
  );
}
