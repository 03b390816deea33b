const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(locale: string, currency: string): Intl.NumberFormat {
  const cacheKey = `${locale}|${currency}`;
  let formatter = formatters.get(cacheKey);
  if (!formatter) {
    // narrowSymbol: "¥18.50" in English too, where "symbol" would print "CN¥18.50".
    formatter = new Intl.NumberFormat(locale, { style: "currency", currency, currencyDisplay: "narrowSymbol" });
    formatters.set(cacheKey, formatter);
  }
  return formatter;
}

/** Decimal places of a currency's minor unit (CNY 2, JPY 0, KWD 3), from the platform's currency data. */
export function minorUnitDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * An amount in integer minor units (fen for CNY) shown in its currency: 1850 CNY → "¥18.50".
 * The API keeps money in minor units so that sums never meet floating point; only display divides.
 */
export function formatMinorUnits(minor: number | null | undefined, currency: string, locale = "zh-CN"): string {
  if (minor === null || minor === undefined || !Number.isFinite(minor)) return "—";
  const digits = minorUnitDigits(currency);
  const major = minor / 10 ** digits;
  try {
    return formatterFor(locale, currency).format(major);
  } catch {
    // An unknown currency code still shows the amount, with the code after it.
    return `${major.toFixed(digits)} ${currency}`;
  }
}
