import { ComingSoonResult } from "../components/coming-soon-result";
import { useT } from "../lib/i18n";
import type { ModuleNavItem } from "./navigation";

export function ComingSoonPage(props: { item: ModuleNavItem }) {
  const t = useT();
  return (
    <ComingSoonResult
      testId={`coming-soon-${props.item.path}`}
      title={t("comingSoon.title", { module: t(props.item.labelKey) })}
      description={t(props.item.descriptionKey)}
    />
  );
}
