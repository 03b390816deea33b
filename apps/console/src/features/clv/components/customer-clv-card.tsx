import { QuestionCircleOutlined } from "@ant-design/icons";
import { Alert, Card, Col, Row, Skeleton, Statistic, Table, Tooltip, Typography } from "antd";
import { formatDate, formatDateTime } from "../../../lib/format/format-date-time";
import { formatMinorUnits, minorUnitDigits } from "../../../lib/format/format-money";
import { useLanguage, useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useCustomerClv } from "../api/get-customer-clv";
import { clvCardState, formatExpectedCount, formatProbability, toMinor } from "../clv-display";

const HORIZONS = [
  { key: "d90", days: 90 },
  { key: "d180", days: 180 },
  { key: "d365", days: 365 },
] as const;

/** The customer's CLV prediction: P(alive), expected purchases and value per horizon, order value, next-purchase window. */
export function CustomerClvCard(props: { profileId: string }) {
  const t = useT();
  const { lang } = useLanguage();
  const { workspaceId, workspace } = useCurrentWorkspace();
  const clv = useCustomerClv(workspaceId, props.profileId);
  const tz = workspace.timezone;
  const title = (
    <span>
      {t("clv.card.title")}{" "}
      <Tooltip title={t("clv.card.help")}>
        <QuestionCircleOutlined style={{ color: "rgba(0,0,0,0.45)" }} />
      </Tooltip>
    </span>
  );

  if (clv.isPending) {
    return (
      <Card title={title} data-testid="customer-clv">
        <Skeleton active paragraph={{ rows: 3 }} />
      </Card>
    );
  }
  if (clv.isError) {
    return (
      <Card title={title} data-testid="customer-clv">
        <Alert type="warning" showIcon message={t("clv.loadFailed")} />
      </Card>
    );
  }

  const data = clv.data;
  const state = clvCardState(data);
  const p = data.prediction;
  if (state !== "prediction" || !p) {
    return (
      <Card title={title} data-testid="customer-clv">
        <Typography.Text type="secondary" data-testid={`customer-clv-${state}`}>
          {t(`clv.state.${state as Exclude<typeof state, "prediction">}`)}
        </Typography.Text>
      </Card>
    );
  }

  const digits = minorUnitDigits(data.currency);
  const money = (major: number | null | undefined) => formatMinorUnits(toMinor(major, digits), data.currency, lang);
  const rows = HORIZONS.map((h) => ({
    key: h.key,
    horizon: t("clv.horizon.days", { days: h.days }),
    purchases: formatExpectedCount(p.expectedPurchases[h.key], lang),
    value: p.expectedValue ? money(p.expectedValue[h.key]) : "—",
  }));
  const window = p.nextPurchaseFrom && p.nextPurchaseTo ? `${formatDate(p.nextPurchaseFrom, tz)} – ${formatDate(p.nextPurchaseTo, tz)}` : "—";
  const help = (text: string) => (
    <Tooltip title={text}>
      <QuestionCircleOutlined style={{ color: "rgba(0,0,0,0.45)", marginLeft: 4 }} />
    </Tooltip>
  );

  return (
    <Card title={title} data-testid="customer-clv">
      <Row gutter={[16, 16]}>
        <Col xs={12} md={8}>
          <div data-testid="customer-clv-p-alive">
            <Statistic title={<span>{t("clv.pAlive")}{help(t("clv.pAlive.help"))}</span>} value={formatProbability(p.pAlive, lang)} />
          </div>
        </Col>
        <Col xs={12} md={8}>
          <div data-testid="customer-clv-order-value">
            <Statistic title={t("clv.expectedOrderValue")} value={money(p.expectedOrderValue)} />
          </div>
        </Col>
        <Col xs={24} md={8}>
          <div data-testid="customer-clv-next-purchase">
            <Statistic title={<span>{t("clv.nextPurchase")}{help(t("clv.nextPurchase.help"))}</span>} value={window} valueStyle={{ fontSize: 16 }} />
          </div>
        </Col>
      </Row>
      <Table
        style={{ marginTop: 16 }}
        size="small"
        pagination={false}
        dataSource={rows}
        data-testid="customer-clv-horizons"
        columns={[
          { title: t("clv.horizon"), dataIndex: "horizon", key: "horizon" },
          { title: t("clv.expectedPurchases"), dataIndex: "purchases", key: "purchases", align: "right" },
          { title: t("clv.expectedValue"), dataIndex: "value", key: "value", align: "right" },
        ]}
      />
      <Typography.Text type="secondary" style={{ display: "block", marginTop: 8, fontSize: 12 }}>
        {t("clv.computedAt", { at: formatDateTime(p.computedAt, tz) })}
      </Typography.Text>
    </Card>
  );
}
