import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { App as AntdApp, ConfigProvider } from "antd";
import enUS from "antd/locale/en_US";
import zhCN from "antd/locale/zh_CN";
import type { ReactNode } from "react";
import { I18nProvider, useLanguage, type Language } from "../lib/i18n";
import { applyLanguage } from "./i18n/apply-language";
import { DICTIONARIES } from "./i18n/messages";
import { siyuTheme } from "./theme";

function LocalizedAntd(props: { children: ReactNode }) {
  const { lang } = useLanguage();
  return (
    <ConfigProvider theme={siyuTheme} locale={lang === "zh-CN" ? zhCN : enUS}>
      <AntdApp>{props.children}</AntdApp>
    </ConfigProvider>
  );
}

export function AppProviders(props: { queryClient: QueryClient; initialLanguage: Language; children: ReactNode }) {
  return (
    <I18nProvider dictionaries={DICTIONARIES} initialLanguage={props.initialLanguage} onLanguageChange={applyLanguage}>
      <LocalizedAntd>
        <QueryClientProvider client={props.queryClient}>{props.children}</QueryClientProvider>
      </LocalizedAntd>
    </I18nProvider>
  );
}
