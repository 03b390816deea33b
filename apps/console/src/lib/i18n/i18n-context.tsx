import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import { LANGUAGE_STORAGE_KEY, detectLanguage, type Language } from "./languages";
import type { MessageKey } from "./register";
import { translate, type Dictionary, type TranslateParams } from "./translate";

export type TranslateFn = (key: MessageKey, params?: TranslateParams) => string;

type I18nContextValue = {
  lang: Language;
  setLang: (lang: Language) => void;
  t: TranslateFn;
};

const I18nContext = createContext<I18nContextValue | null>(null);

function readStoredLanguage(): string | null {
  try {
    return window.localStorage.getItem(LANGUAGE_STORAGE_KEY);
  } catch {
    return null;
  }
}

export function readInitialLanguage(): Language {
  return detectLanguage(readStoredLanguage(), navigator.languages ?? [navigator.language]);
}

export function I18nProvider(props: {
  dictionaries: Readonly<Record<Language, Dictionary>>;
  initialLanguage: Language;
  onLanguageChange?: (lang: Language) => void;
  children: ReactNode;
}) {
  const { dictionaries, initialLanguage, onLanguageChange, children } = props;
  const [lang, setLangState] = useState<Language>(initialLanguage);

  const setLang = useCallback(
    (next: Language) => {
      setLangState(next);
      try {
        window.localStorage.setItem(LANGUAGE_STORAGE_KEY, next);
      } catch {
        // Private mode or a full quota: the choice still holds for this tab.
      }
      onLanguageChange?.(next);
    },
    [onLanguageChange],
  );

  const value = useMemo<I18nContextValue>(() => {
    const dictionary = dictionaries[lang];
    const fallback = dictionaries.en;
    return { lang, setLang, t: (key, params) => translate(dictionary, fallback, key, params) };
  }, [dictionaries, lang, setLang]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

function useI18nContext(): I18nContextValue {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error("useT() and useLanguage() need <I18nProvider> above them");
  return ctx;
}

export function useT(): TranslateFn {
  return useI18nContext().t;
}

export function useLanguage(): { lang: Language; setLang: (lang: Language) => void } {
  const { lang, setLang } = useI18nContext();
  return { lang, setLang };
}
