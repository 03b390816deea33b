import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import type { Language } from "../../lib/i18n";

/** Side effects of a language change outside React: dayjs (antd pickers) and <html lang>. */
export function applyLanguage(lang: Language): void {
  dayjs.locale(lang === "zh-CN" ? "zh-cn" : "en");
  document.documentElement.lang = lang;
}
