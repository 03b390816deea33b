import { Card, Flex, Typography } from "antd";
import type { ReactNode } from "react";
import { LanguageSwitch } from "../../../components/language-switch";
import { useT } from "../../../lib/i18n";

/** The frame of the pages seen before logging in: brand, language switch, one card. */
export function AuthFrame(props: { title: ReactNode; children: ReactNode }) {
  const t = useT();
  return (
    <Flex
      vertical
      align="center"
      justify="center"
      style={{
        minHeight: "100vh",
        padding: 24,
        background: "linear-gradient(160deg, #eef5ee 0%, #f7f9f4 55%, #ffffff 100%)",
      }}
    >
      <div style={{ position: "absolute", top: 16, right: 24 }}>
        <LanguageSwitch />
      </div>
      <Flex vertical align="center" gap={4} style={{ marginBottom: 24 }}>
        <Typography.Title level={1} style={{ margin: 0, letterSpacing: 2 }} data-testid="brand">
          {t("auth.brand.chinese")} <span style={{ fontWeight: 500 }}>{t("auth.brand.name")}</span>
        </Typography.Title>
        <Typography.Text type="secondary">{t("auth.brand.tagline")}</Typography.Text>
      </Flex>
      <Card style={{ width: "100%", maxWidth: 400 }} title={props.title}>
        {props.children}
      </Card>
    </Flex>
  );
}
