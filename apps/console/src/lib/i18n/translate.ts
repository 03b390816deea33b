export type Dictionary = Readonly<Record<string, string>>;
export type TranslateParams = Readonly<Record<string, string | number>>;

const PLACEHOLDER = /\{(\w+)\}/g;

/** Replaces `{name}` placeholders; a placeholder without a value stays visible so it gets noticed. */
export function interpolate(template: string, params?: TranslateParams): string {
  if (!params) return template;
  return template.replace(PLACEHOLDER, (match, name: string) => {
    const value = params[name];
    return value === undefined ? match : String(value);
  });
}

/**
 * Looks a key up in the active dictionary, then in the fallback (English), then shows the
 * key itself: a missing translation degrades to readable English rather than a blank.
 */
export function translate(
  dictionary: Dictionary,
  fallback: Dictionary,
  key: string,
  params?: TranslateParams,
): string {
  const template = dictionary[key] ?? fallback[key] ?? key;
  return interpolate(template, params);
}

export function listPlaceholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? "").sort();
}
