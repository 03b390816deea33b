import type { MessageDto } from "@siyu/contracts";
import { Flex, Tag, Typography } from "antd";
import { useT } from "../../../lib/i18n";
import { STATUS_COLORS } from "../message-view";

/** The status badge and, for a message that was not sent, why in words. */
export function MessageStatus(props: { message: Pick<MessageDto, "id" | "status" | "reason"> }) {
  const t = useT();
  const { status, reason, id } = props.message;
  return (
    <Flex vertical gap={2} align="start">
      <Tag color={STATUS_COLORS[status]} data-testid={`message-status-${id}`}>
        {t(`messaging.status.${status}`)}
      </Tag>
      {reason ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid={`message-reason-${id}`}>
          {t(`messaging.reason.${reason}`)}
        </Typography.Text>
      ) : null}
    </Flex>
  );
}
