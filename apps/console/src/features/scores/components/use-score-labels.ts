import type { LifecycleStage, RfmCell, RfmLayer, ValueTier } from "@siyu/contracts";
import { useCallback } from "react";
import { formatMinorUnits, minorUnitDigits } from "../../../lib/format/format-money";
import { useLanguage, useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";

/** Translated names of cells, layers, stages and tiers, and money in the workspace's currency. */
export function useScoreLabels() {
  const t = useT();
  const { lang } = useLanguage();
  const { workspace } = useCurrentWorkspace();
  return {
    cell: useCallback((cell: string) => t(`scores.cell.${cell as RfmCell}`), [t]),
    layer: useCallback((layer: string) => t(`scores.layer.${layer as RfmLayer}`), [t]),
    stage: useCallback((stage: string) => t(`scores.stage.${stage as LifecycleStage}`), [t]),
    tier: useCallback((tier: string) => t(`scores.tier.${tier as ValueTier}`), [t]),
    /** Major units (the warehouse's revenue) in the workspace currency. */
    major: useCallback(
      (amount: number) => formatMinorUnits(Math.round(amount * 10 ** minorUnitDigits(workspace.currency)), workspace.currency, lang),
      [lang, workspace.currency],
    ),
    minor: useCallback((minor: number) => formatMinorUnits(minor, workspace.currency, lang), [lang, workspace.currency]),
    percent: useCallback((share: number) => `${(share * 100).toFixed(1)}%`, []),
  };
}
