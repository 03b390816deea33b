import { ExperimentOutlined } from "@ant-design/icons";
import { Result } from "antd";
import type { ReactNode } from "react";

export function ComingSoonResult(props: { title: ReactNode; description: ReactNode; testId?: string }) {
  return (
    <div data-testid={props.testId}>
      <Result icon={<ExperimentOutlined style={{ color: "var(--ant-color-primary)" }} />} title={props.title} subTitle={props.description} />
    </div>
  );
}
