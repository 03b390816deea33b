import { Tabs } from "antd";
import { PageHeader } from "../../../components/page-header";
import { useT } from "../../../lib/i18n";
import { CardProductsTab } from "./card-products-tab";
import { CouponTemplatesTab } from "./coupon-templates-tab";
import { LiabilityTab } from "./liability-tab";
import { LoyaltySettingsTab } from "./loyalty-settings-tab";

export function LoyaltyPage() {
  const t = useT();
  return (
    <div>
      <PageHeader title={t("loyalty.title")} description={t("loyalty.description")} />
      <Tabs
        items={[
          { key: "coupons", label: t("loyalty.tab.coupons"), children: <CouponTemplatesTab /> },
          { key: "cards", label: t("loyalty.tab.cards"), children: <CardProductsTab /> },
          { key: "liability", label: t("loyalty.tab.liability"), children: <LiabilityTab /> },
          { key: "settings", label: t("loyalty.tab.settings"), children: <LoyaltySettingsTab /> },
        ]}
      />
    </div>
  );
}
