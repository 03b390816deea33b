import type { AlertSeverity } from "@siyu/contracts";
import { Tag } from "antd";
import { useT } from "../lib/i18n";

const COLORS: Record<AlertSeverity, string> = { info: "blue", warning: "orange", emergency: "red" };

/** An alert's severity as a coloured tag: the alert rules and notifications, the weekly review. */
export function AlertSeverityTag({ severity }: { severity: AlertSeverity }) {
  const t = useT();
  return <Tag color={COLORS[severity]}>{t(`common.alertSeverity.${severity}`)}</Tag>;
}
