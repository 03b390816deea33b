import type { Channel } from "@siyu/contracts";
import { Select } from "antd";
import { useCallback, useMemo } from "react";
import { useT } from "../../../lib/i18n";
import { useCouponTemplateChoices, useMessageTemplateChoices, useSegmentChoices, useTagChoices } from "../api/journeys";
import { isUnpicked } from "../graph/node-model";
import type { ReferenceKind } from "../graph/node-summary";

type Choice = { value: string; label: string; channel?: Channel };

/** The workspace's templates, coupon templates, tags and segments as picker choices, and a name lookup for summaries. */
export function useReferenceChoices(workspaceId: string) {
  const templates = useMessageTemplateChoices(workspaceId);
  const coupons = useCouponTemplateChoices(workspaceId);
  const tags = useTagChoices(workspaceId);
  const segments = useSegmentChoices(workspaceId);
  const choices = useMemo<Record<ReferenceKind, Choice[]>>(
    () => ({
      message_template: (templates.data?.items ?? []).map((x) => ({ value: x.id, label: x.name, channel: x.channel })),
      coupon_template: (coupons.data?.items ?? []).filter((x) => x.status !== "archived").map((x) => ({ value: x.id, label: x.name })),
      tag: (tags.data?.tags ?? []).map((x) => ({ value: x.id, label: x.name })),
      segment: (segments.data?.items ?? []).map((x) => ({ value: x.id, label: x.name })),
    }),
    [templates.data, coupons.data, tags.data, segments.data],
  );
  const byId = useMemo(() => {
    const map = new Map<string, string>();
    for (const list of Object.values(choices)) for (const c of list) map.set(c.value, c.label);
    return map;
  }, [choices]);
  const name = useCallback((_kind: ReferenceKind, id: string) => byId.get(id), [byId]);
  return { choices, name, loading: templates.isLoading || coupons.isLoading || tags.isLoading || segments.isLoading };
}

export type ReferenceChoices = ReturnType<typeof useReferenceChoices>;

export function ReferenceSelect(props: {
  choices: ReferenceChoices;
  kind: ReferenceKind;
  value: string | null;
  onChange: (value: string | null) => void;
  /** Message templates: only this channel's. */
  channel?: Channel | null;
  /** Message templates: each option names its channel. */
  showChannel?: boolean;
  allowNone?: string;
  disabled?: boolean;
  testId?: string;
}) {
  const t = useT();
  const options = props.choices.choices[props.kind].filter((c) => !props.channel || !c.channel || c.channel === props.channel);
  const value = isUnpicked(props.value) ? (props.allowNone && props.value === null ? "" : undefined) : props.value!;
  const withCurrent = value && !options.some((o) => o.value === value) ? [...options, { value, label: value.slice(0, 8) }] : options;
  return (
    <Select
      showSearch
      optionFilterProp="label"
      style={{ width: "100%" }}
      placeholder={t("journeys.inspector.pick")}
      loading={props.choices.loading}
      disabled={props.disabled}
      value={value}
      onChange={(v: string) => props.onChange(v === "" ? null : v)}
      options={[...(props.allowNone ? [{ value: "", label: props.allowNone }] : []), ...withCurrent.map((o) => ({ value: o.value, label: props.showChannel && "channel" in o && o.channel ? `${o.label} · ${t(`journeys.channel.${o.channel}`)}` : o.label }))]}
      data-testid={props.testId}
    />
  );
}
