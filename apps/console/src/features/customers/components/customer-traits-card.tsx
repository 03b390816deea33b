import { Card, Descriptions, Empty } from "antd";
import { useT } from "../../../lib/i18n";
import { formatValue, sortTraits } from "../event-display";

export function CustomerTraitsCard(props: { traits: Readonly<Record<string, unknown>> }) {
  const t = useT();
  const traits = sortTraits(props.traits);
  return (
    <Card title={t("customers.traits.title")} data-testid="customer-traits">
      {traits.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("customers.traits.empty")} />
      ) : (
        <Descriptions
          size="small"
          column={1}
          bordered
          items={traits.map(([key, value]) => ({ key, label: key, children: formatValue(value, 300) }))}
        />
      )}
    </Card>
  );
}
