import type { ProfileDto } from "@siyu/contracts";
import { Card, Col, Descriptions, Row, Statistic } from "antd";
import { formatDateTime } from "../../../lib/format/format-date-time";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useFormatMoney } from "./use-format-money";

export function CustomerStatsCard(props: { profile: ProfileDto }) {
  const t = useT();
  const { workspace } = useCurrentWorkspace();
  const formatMoney = useFormatMoney();
  const { profile } = props;
  const tz = workspace.timezone;
  const stats = [
    { key: "events", title: t("customers.field.events"), value: String(profile.eventCount) },
    { key: "orders", title: t("customers.field.orders"), value: String(profile.orderCount) },
    { key: "total-spend", title: t("customers.field.totalSpend"), value: formatMoney(profile.totalSpendMinor) },
    { key: "average-order", title: t("customers.field.averageOrder"), value: formatMoney(profile.averageOrderMinor) },
  ];
  return (
    <Card data-testid="customer-stats">
      <Row gutter={[16, 16]}>
        {stats.map((stat) => (
          <Col key={stat.key} xs={12} md={6}>
            <div data-testid={`customer-stat-${stat.key}`}>
              <Statistic title={stat.title} value={stat.value} />
            </div>
          </Col>
        ))}
      </Row>
      <Descriptions size="small" column={{ xs: 1, md: 2, xl: 4 }} style={{ marginTop: 16 }}>
        <Descriptions.Item label={t("customers.field.firstSeen")}>{formatDateTime(profile.firstSeenAt, tz)}</Descriptions.Item>
        <Descriptions.Item label={t("customers.field.lastSeenShort")}>{formatDateTime(profile.lastSeenAt, tz)}</Descriptions.Item>
        <Descriptions.Item label={t("customers.field.lastOrder")}>{formatDateTime(profile.lastOrderAt, tz)}</Descriptions.Item>
        <Descriptions.Item label={t("customers.field.customerSince")}>{formatDateTime(profile.createdAt, tz)}</Descriptions.Item>
      </Descriptions>
    </Card>
  );
}
