import { Segmented } from "antd";
import { useLanguage, useT, type Language } from "../lib/i18n";

export function LanguageSwitch() {
  const { lang, setLang } = useLanguage();
  const t = useT();
  return (
    <Segmented<Language>
      data-testid="lang-switch"
      aria-label={t("common.lang.label")}
      size="small"
      value={lang}
      onChange={setLang}
      options={[
        { value: "zh-CN", label: <span data-testid="lang-switch-zh-CN">{t("common.lang.zhCN")}</span> },
        { value: "en", label: <span data-testid="lang-switch-en">{t("common.lang.en")}</span> },
      ]}
    />
  );
}
