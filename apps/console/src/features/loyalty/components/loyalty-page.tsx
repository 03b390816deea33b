import { Tabs } from "antd";
import { PageHeader } from "../../../components/page-header";
import { useT } from "../../../lib/i18n";
import { CouponTemplatesTab } from "./coupon-templates-tab";
import { LoyaltySettingsTab } from "./loyalty-settings-tab";
import { TierSettingsTab } from "./tier-settings-tab";

export function LoyaltyPage() {
  const t = useT();
  return (
    <div>
      <PageHeader title={t("loyalty.title")} description={t("loyalty.description")} />
      <Tabs
        items={[
          { key: "coupons", label: t("loyalty.tab.coupons"), children: <CouponTemplatesTab /> },
          { key: "settings", label: t("loyalty.tab.settings"), children: <LoyaltySettingsTab /> },
          { key: "tiers", label: t("loyalty.tab.tiers"), children: <TierSettingsTab /> },
        ]}
      />
    </div>
  );
}
