import { Form, Select, Switch } from "antd";
import { useT } from "../../../lib/i18n";

/** The template form's product scope (include / exclude SKUs and categories) and stacking switch. */
export function CouponScopeFields() {
  const t = useT();
  const tags = <Select mode="tags" tokenSeparators={[",", " "]} />;
  return (
    <>
      <Form.Item name="includeSkus" label={t("loyalty.templates.includeSkus")} extra={t("loyalty.templates.scopeHelp")}>
        {tags}
      </Form.Item>
      <Form.Item name="includeCategories" label={t("loyalty.templates.includeCategories")}>
        {tags}
      </Form.Item>
      <Form.Item name="excludeSkus" label={t("loyalty.templates.excludeSkus")}>
        {tags}
      </Form.Item>
      <Form.Item name="excludeCategories" label={t("loyalty.templates.excludeCategories")}>
        {tags}
      </Form.Item>
      <Form.Item name="stackable" label={t("loyalty.templates.stackable")} extra={t("loyalty.templates.stackableHelp")} valuePropName="checked">
        <Switch data-testid="coupon-stackable" />
      </Form.Item>
    </>
  );
}
