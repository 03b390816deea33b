import { useCallback } from "react";
import { formatMinorUnits } from "../../../lib/format/format-money";
import { useLanguage } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";

/** Formats minor units in the workspace's currency (or an order's own) for the operator's language. */
export function useFormatMoney(): (minor: number | null | undefined, currency?: string) => string {
  const { lang } = useLanguage();
  const { workspace } = useCurrentWorkspace();
  return useCallback(
    (minor, currency) => formatMinorUnits(minor, currency ?? workspace.currency, lang),
    [lang, workspace.currency],
  );
}
