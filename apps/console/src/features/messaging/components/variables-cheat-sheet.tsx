import { Card, Flex, Typography } from "antd";
import { CopyButton } from "../../../components/copy-button";
import { useT } from "../../../lib/i18n";
import { TEMPLATE_VARIABLES, liquidOf } from "../template-form";

/** The variables a template may use, each with a copy button for its Liquid. */
export function VariablesCheatSheet() {
  const t = useT();
  return (
    <Card size="small" title={t("messaging.variables.title")} data-testid="template-variables">
      <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
        {t("messaging.variables.help")}
      </Typography.Paragraph>
      <Flex vertical gap={4}>
        {TEMPLATE_VARIABLES.map((variable) => (
          <Flex key={variable} justify="space-between" align="center" gap={8}>
            <span>
              <Typography.Text code>{liquidOf(variable)}</Typography.Text>{" "}
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t(`messaging.variables.${variable}`)}
              </Typography.Text>
            </span>
            <CopyButton text={liquidOf(variable)} testId={`template-variable-${variable}`} />
          </Flex>
        ))}
      </Flex>
    </Card>
  );
}
