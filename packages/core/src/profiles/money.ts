/** Minor units per major unit of a currency (CNY 100, JPY 1), from the platform's currency data. */
export function minorUnitsPer(currency: string): number {
  try {
    const digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    return 10 ** digits;
  } catch {
    return 100;
  }
}

/** A decimal amount as sent by Segment's e-commerce spec (e.g. 18.5 CNY) in integer minor units. */
export function toMinorUnits(amount: number, currency: string): number {
  return Math.round(amount * minorUnitsPer(currency));
}
