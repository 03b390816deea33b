import type { AuditEntryDto } from "@siyu/contracts";
import { Col, Descriptions, Row, Tag, Typography } from "antd";
import { useT } from "../../../lib/i18n";
import { changedFields, formatSnapshot } from "../audit-diff";

const preStyle = {
  margin: 0,
  padding: 12,
  maxHeight: 320,
  overflow: "auto",
  background: "var(--ant-color-fill-quaternary)",
  borderRadius: 6,
  fontSize: 12,
} as const;

export function AuditEntryDetails(props: { entry: AuditEntryDto }) {
  const t = useT();
  const { entry } = props;
  const changed = changedFields(entry.before, entry.after);
  return (
    <div data-testid={`audit-entry-details-${entry.id}`}>
      <Descriptions size="small" column={{ xs: 1, md: 3 }} style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t("auditLog.field.targetId")}>
          <Typography.Text code copyable={entry.targetId ? { text: entry.targetId } : false}>
            {entry.targetId ?? "—"}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t("auditLog.field.actorId")}>
          <Typography.Text code>{entry.actorId ?? "—"}</Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t("auditLog.field.ip")}>{entry.ip ?? "—"}</Descriptions.Item>
      </Descriptions>
      {changed.length > 0 ? (
        <div style={{ marginBottom: 12 }}>
          <Typography.Text type="secondary">{t("auditLog.changedFields")} </Typography.Text>
          {changed.map((field) => (
            <Tag key={field} color="gold">
              {field}
            </Tag>
          ))}
        </div>
      ) : null}
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Typography.Text strong>{t("auditLog.before")}</Typography.Text>
          <pre style={preStyle}>{formatSnapshot(entry.before)}</pre>
        </Col>
        <Col xs={24} md={12}>
          <Typography.Text strong>{t("auditLog.after")}</Typography.Text>
          <pre style={preStyle}>{formatSnapshot(entry.after)}</pre>
        </Col>
      </Row>
    </div>
  );
}
