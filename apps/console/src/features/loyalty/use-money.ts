import { useMemo } from "react";
import { useCurrentWorkspace } from "../../lib/session";

function minorUnitsPer(currency: string): number {
  try {
    return 10 ** (new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2);
  } catch {
    return 100;
  }
}

/** The workspace currency: minor units per major unit, and a formatter of minor-unit amounts. */
export function useMoney() {
  const { workspace } = useCurrentWorkspace();
  const currency = workspace?.currency ?? "CNY";
  const perUnit = minorUnitsPer(currency);
  const money = useMemo(() => {
    const format = new Intl.NumberFormat(undefined, { style: "currency", currency, currencyDisplay: "narrowSymbol" });
    return (minor: number) => format.format(minor / perUnit);
  }, [currency, perUnit]);
  return { currency, perUnit, money };
}
