import { Flex, Typography } from "antd";
import type { ReactNode } from "react";

export function PageHeader(props: { title: ReactNode; description?: ReactNode; extra?: ReactNode }) {
  return (
    <Flex justify="space-between" align="flex-start" gap={16} wrap style={{ marginBottom: 16 }}>
      <div>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {props.title}
        </Typography.Title>
        {props.description ? (
          <Typography.Paragraph type="secondary" style={{ margin: "4px 0 0" }}>
            {props.description}
          </Typography.Paragraph>
        ) : null}
      </div>
      {props.extra ? <Flex gap={8}>{props.extra}</Flex> : null}
    </Flex>
  );
}
