import { Tabs } from "antd";
import { PageHeader } from "../../../components/page-header";
import { useT } from "../../../lib/i18n";
import { CatalogueTab } from "./catalogue-tab";
import { CouponTemplatesTab } from "./coupon-templates-tab";
import { LoyaltyBadgesTab, type RuleBuilderSlot } from "./loyalty-badges-tab";
import { CardProductsTab } from "./card-products-tab";
import { LiabilityTab } from "./liability-tab";
import { LoyaltySettingsTab } from "./loyalty-settings-tab";
import { LoyaltyTasksTab } from "./loyalty-tasks-tab";
import { LotteryTab } from "./lottery-tab";
import { CheckInSettingsTab } from "./check-in-settings-tab";
import { TierSettingsTab } from "./tier-settings-tab";

/** The rule builder comes from the segments feature, through the router. */
export function LoyaltyPage(props: { ruleBuilder: RuleBuilderSlot }) {
  const t = useT();
  return (
    <div>
      <PageHeader title={t("loyalty.title")} description={t("loyalty.description")} />
      <Tabs
        items={[
          { key: "coupons", label: t("loyalty.tab.coupons"), children: <CouponTemplatesTab /> },
          { key: "catalogue", label: t("loyalty.tab.catalogue"), children: <CatalogueTab /> },
          { key: "lottery", label: t("loyalty.tab.lottery"), children: <LotteryTab /> },
          { key: "cards", label: t("loyalty.tab.cards"), children: <CardProductsTab /> },
          { key: "liability", label: t("loyalty.tab.liability"), children: <LiabilityTab /> },
          { key: "settings", label: t("loyalty.tab.settings"), children: <LoyaltySettingsTab /> },
          { key: "tasks", label: t("loyalty.tab.tasks"), children: <LoyaltyTasksTab /> },
          { key: "badges", label: t("loyalty.tab.badges"), children: <LoyaltyBadgesTab ruleBuilder={props.ruleBuilder} /> },
          { key: "check-ins", label: t("loyalty.tab.checkIns"), children: <CheckInSettingsTab /> },
          { key: "tiers", label: t("loyalty.tab.tiers"), children: <TierSettingsTab /> },
        ]}
      />
    </div>
  );
}
