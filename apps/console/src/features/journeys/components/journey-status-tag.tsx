import type { JourneyStatus } from "@siyu/contracts";
import { Tag } from "antd";
import { useT } from "../../../lib/i18n";

const COLORS: Record<JourneyStatus, string> = { draft: "default", live: "green", paused: "orange", archived: "default" };

export function JourneyStatusTag(props: { status: JourneyStatus }) {
  const t = useT();
  return (
    <Tag color={COLORS[props.status]} data-testid="journey-status" data-status={props.status}>
      {t(`journeys.status.${props.status}`)}
    </Tag>
  );
}
