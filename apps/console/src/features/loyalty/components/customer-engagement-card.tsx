import type { MemberTaskDto } from "@siyu/contracts";
import { Card, Empty, Flex, List, Progress, Tag, Typography } from "antd";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useCustomerBadges, useCustomerTasks } from "../api/engagement";

/** The member's tasks (step progress in the current period) and badges / titles; nothing without loyalty.read. */
export function CustomerEngagementCard(props: { profileId: string }) {
  const { can } = useCurrentWorkspace();
  return can("loyalty.read") ? <EngagementCard profileId={props.profileId} /> : null;
}

function EngagementCard(props: { profileId: string }) {
  const t = useT();
  const { workspaceId } = useCurrentWorkspace();
  const tasks = useCustomerTasks(workspaceId, props.profileId);
  const badges = useCustomerBadges(workspaceId, props.profileId);
  const items = tasks.data?.items ?? [];
  return (
    <Card title={t("loyalty.engagement.title")} loading={tasks.isLoading || badges.isLoading} data-testid="customer-engagement">
      <Flex gap={8} wrap style={{ marginBottom: 12 }} data-testid="customer-badges">
        {(badges.data?.items ?? []).map((b) => (
          <Tag key={b.badgeId} color={b.kind === "title" ? "gold" : "blue"} title={new Date(b.grantedAt).toLocaleString()}>
            {b.nameZh}
          </Tag>
        ))}
        {badges.data && badges.data.items.length === 0 ? <Typography.Text type="secondary">{t("loyalty.engagement.noBadges")}</Typography.Text> : null}
      </Flex>
      {items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("loyalty.engagement.noTasks")} />
      ) : (
        <List<MemberTaskDto>
          size="small"
          dataSource={items}
          renderItem={(item) => {
            const done = item.steps.filter((s) => s.complete).length;
            return (
              <List.Item data-testid={`customer-task-${item.task.code}`} data-completed={item.completedAt ? "true" : "false"}>
                <Flex vertical style={{ width: "100%" }} gap={4}>
                  <Flex justify="space-between" align="center" gap={8}>
                    <Typography.Text strong>{item.task.nameZh}</Typography.Text>
                    {item.completedAt ? (
                      <Tag color="green">{t("loyalty.engagement.completed")}</Tag>
                    ) : item.open ? (
                      <Tag>{t("loyalty.engagement.inProgress")}</Tag>
                    ) : (
                      <Tag color="default">{t("loyalty.engagement.closed")}</Tag>
                    )}
                  </Flex>
                  <Progress percent={Math.round((done / Math.max(1, item.steps.length)) * 100)} size="small" format={() => `${done}/${item.steps.length}`} />
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {item.task.steps
                      .map((s, i) => `${s.kind === "event" ? s.event : t("loyalty.tasks.profileComplete")} ${item.steps[i]!.done}/${item.steps[i]!.needed}`)
                      .join(" · ")}
                    {item.reward?.points ? ` · +${item.reward.points}` : ""}
                  </Typography.Text>
                </Flex>
              </List.Item>
            );
          }}
        />
      )}
    </Card>
  );
}
