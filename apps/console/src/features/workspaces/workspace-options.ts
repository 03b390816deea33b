/** Currencies offered first; any other ISO 4217 code already set on a workspace is kept. */
export const COMMON_CURRENCIES = ["CNY", "HKD", "MOP", "TWD", "USD", "EUR", "GBP", "JPY", "KRW", "SGD", "MYR", "THB", "AUD", "CAD"];

export const DEFAULT_TIME_ZONE = "Asia/Shanghai";
export const DEFAULT_CURRENCY = "CNY";

export function listTimeZones(current?: string): string[] {
  let zones: string[];
  try {
    zones = Intl.supportedValuesOf("timeZone");
  } catch {
    zones = [DEFAULT_TIME_ZONE];
  }
  return withValues(zones, ["UTC", DEFAULT_TIME_ZONE, current]);
}

export function listCurrencies(current?: string): string[] {
  return withValues(COMMON_CURRENCIES, [current]);
}

/** Adds values that are missing, keeping the list's order, without duplicates. */
export function withValues(list: readonly string[], extra: ReadonlyArray<string | undefined>): string[] {
  const result = [...list];
  for (const value of extra) if (value && !result.includes(value)) result.push(value);
  return result;
}
