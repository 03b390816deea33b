import { Tabs } from "antd";
import { PageHeader } from "../../../components/page-header";
import { useT } from "../../../lib/i18n";
import { CatalogueTab } from "./catalogue-tab";
import { CouponTemplatesTab } from "./coupon-templates-tab";
import { LoyaltySettingsTab } from "./loyalty-settings-tab";
import { LotteryTab } from "./lottery-tab";

export function LoyaltyPage() {
  const t = useT();
  return (
    <div>
      <PageHeader title={t("loyalty.title")} description={t("loyalty.description")} />
      <Tabs
        items={[
          { key: "coupons", label: t("loyalty.tab.coupons"), children: <CouponTemplatesTab /> },
          { key: "catalogue", label: t("loyalty.tab.catalogue"), children: <CatalogueTab /> },
          { key: "lottery", label: t("loyalty.tab.lottery"), children: <LotteryTab /> },
          { key: "settings", label: t("loyalty.tab.settings"), children: <LoyaltySettingsTab /> },
        ]}
      />
    </div>
  );
}
