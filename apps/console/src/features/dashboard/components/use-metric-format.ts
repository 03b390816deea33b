import type { KpiUnit } from "@siyu/contracts";
import { useCallback } from "react";
import { formatMinorUnits, minorUnitDigits } from "../../../lib/format/format-money";
import { useLanguage } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { formatMetricValue } from "../dashboard-model";

/** Formats a metric value in the workspace's currency and the console's language; `moneyPer` turns minor units into major. */
export function useMetricFormat() {
  const { lang } = useLanguage();
  const { workspace } = useCurrentWorkspace();
  const money = useCallback((minor: number) => formatMinorUnits(minor, workspace.currency, lang), [workspace.currency, lang]);
  const format = useCallback((unit: KpiUnit, value: number | null) => formatMetricValue(unit, value, { money, locale: lang }), [money, lang]);
  return { format, money, moneyPer: 10 ** minorUnitDigits(workspace.currency) };
}
