import type { QuantileMetric, QuantileTagDefinition, SegmentRule, TagDto } from "@siyu/contracts";

/** The common rule tag: "did <event> (where <property> = <value>) at least N times in the last D days". */
export type SimpleRuleForm = {
  event: string;
  property?: string;
  value?: string;
  minCount: number;
  days: number;
};

export function simpleRuleToSegmentRule(form: SimpleRuleForm): SegmentRule {
  const property = form.property?.trim();
  return {
    type: "event",
    event: form.event.trim(),
    ...(property ? { where: [{ property, op: "eq" as const, value: form.value ?? "" }] } : {}),
    measure: { kind: "count" },
    op: "gte",
    value: form.minCount,
    window: { kind: "in_last_days", days: form.days },
  };
}

/** The form's reading of a stored rule, or null when the rule is richer than the simple form. */
export function segmentRuleToSimpleRule(rule: unknown): SimpleRuleForm | null {
  const r = rule as SegmentRule | null;
  if (!r || r.type !== "event" || r.measure.kind !== "count" || r.op !== "gte" || typeof r.value !== "number") return null;
  if (r.window.kind !== "in_last_days") return null;
  const where = r.where ?? [];
  if (where.length > 1 || (where[0] && (where[0].op !== "eq" || typeof where[0].value !== "string"))) return null;
  return {
    event: r.event,
    ...(where[0] ? { property: where[0].property, value: where[0].value as string } : {}),
    minCount: r.value,
    days: r.window.days,
  };
}

export type QuantileLevelForm = { tagName: string; topPercent?: number | null };
export type QuantileForm = { metric: QuantileMetric; event?: string; windowDays?: number | null; levels: QuantileLevelForm[] };

/** What a new quantile tag starts with: spending power high = top 20 %, medium = next 30 %, low = the rest. */
export const DEFAULT_QUANTILE_FORM: QuantileForm = {
  metric: "total_spend",
  levels: [
    { tagName: "high", topPercent: 20 },
    { tagName: "medium", topPercent: 30 },
    { tagName: "low", topPercent: null },
  ],
};

export function quantileFormToDefinition(form: QuantileForm, existing: readonly TagDto[] = []): QuantileTagDefinition {
  return {
    metric: form.metric,
    ...(form.metric === "event_count" && form.event?.trim() ? { event: form.event.trim() } : {}),
    ...(form.windowDays ? { windowDays: form.windowDays } : {}),
    levels: form.levels.map((l) => {
      const name = l.tagName.trim();
      const tag = existing.find((t) => t.name === name);
      return { ...(tag ? { tagId: tag.id } : { tagName: name }), ...(l.topPercent ? { topPercent: l.topPercent } : {}) };
    }),
  };
}

/** The form's reading of a stored scheme (levels by tag id), naming levels by the tags' names. */
export function definitionToQuantileForm(definition: unknown, tags: readonly TagDto[]): QuantileForm | null {
  const d = definition as { metric?: QuantileMetric; event?: string; windowDays?: number; levels?: { tagId?: string; topPercent?: number }[] } | null;
  if (!d?.metric || !Array.isArray(d.levels)) return null;
  return {
    metric: d.metric,
    event: d.event,
    windowDays: d.windowDays ?? null,
    levels: d.levels.map((l) => ({ tagName: tags.find((t) => t.id === l.tagId)?.name ?? "", topPercent: l.topPercent ?? null })),
  };
}
