import { Tabs } from "antd";
import { PageHeader } from "../../../components/page-header";
import { useT } from "../../../lib/i18n";
import { CouponTemplatesTab } from "./coupon-templates-tab";
import { LoyaltyBadgesTab, type RuleBuilderSlot } from "./loyalty-badges-tab";
import { LoyaltySettingsTab } from "./loyalty-settings-tab";
import { LoyaltyTasksTab } from "./loyalty-tasks-tab";

/** The rule builder comes from the segments feature, through the router. */
export function LoyaltyPage(props: { ruleBuilder: RuleBuilderSlot }) {
  const t = useT();
  return (
    <div>
      <PageHeader title={t("loyalty.title")} description={t("loyalty.description")} />
      <Tabs
        items={[
          { key: "coupons", label: t("loyalty.tab.coupons"), children: <CouponTemplatesTab /> },
          { key: "settings", label: t("loyalty.tab.settings"), children: <LoyaltySettingsTab /> },
          { key: "tasks", label: t("loyalty.tab.tasks"), children: <LoyaltyTasksTab /> },
          { key: "badges", label: t("loyalty.tab.badges"), children: <LoyaltyBadgesTab ruleBuilder={props.ruleBuilder} /> },
        ]}
      />
    </div>
  );
}
