export { I18nProvider, readInitialLanguage, useLanguage, useT, type TranslateFn } from "./i18n-context";
export { LANGUAGES, LANGUAGE_STORAGE_KEY, detectLanguage, isLanguage, type Language } from "./languages";
export type { MessageKey, Messages, Register } from "./register";
export { translate, type Dictionary, type TranslateParams } from "./translate";
