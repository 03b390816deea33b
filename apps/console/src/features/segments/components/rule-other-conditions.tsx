import {
  LIFECYCLE_STAGES,
  RFM_CELLS,
  RFM_LAYERS,
  VALUE_TIERS,
  type CompareOp,
  type SegmentRule,
} from "@siyu/contracts";
import { AutoComplete, Input, Select, Typography } from "antd";
import { useT } from "../../../lib/i18n";
import { COMPARE_OP_LIST, thresholdFor } from "../rule-tree/conditions";
import type { LeafRule } from "../rule-tree/rule-tree";
import { useRuleEditor, type Choice } from "./rule-editor-context";
import { ValueInput } from "./rule-value-input";

type Rule<T extends SegmentRule["type"]> = Extract<SegmentRule, { type: T }>;
type Props<T extends SegmentRule["type"]> = { rule: Rule<T>; onChange: (next: LeafRule) => void };

const CLV_METRICS = ["expected_purchases_90d", "expected_value_90d", "expected_value_365d", "p_alive"] as const;
/** Channels consents are usually recorded for; any other can be typed. */
const CONSENT_CHANNELS = ["sms", "email", "wechat", "wecom", "phone", "app_push"];

function ChoicePicker(props: {
  choices: readonly Choice[] | undefined;
  value: string;
  onChange: (id: string) => void;
  placeholder: string;
  testId: string;
}) {
  if (!props.choices) {
    return (
      <Input
        style={{ width: 300 }}
        placeholder={props.placeholder}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value.trim())}
        data-testid={props.testId}
      />
    );
  }
  return (
    <Select
      showSearch
      optionFilterProp="label"
      style={{ minWidth: 220 }}
      placeholder={props.placeholder}
      value={props.value || undefined}
      options={props.choices.map((choice) => ({ value: choice.id, label: choice.name }))}
      onChange={props.onChange}
      popupMatchSelectWidth={false}
      data-testid={props.testId}
    />
  );
}

export function TagCondition({ rule, onChange }: Props<"tag">) {
  const t = useT();
  const { tags } = useRuleEditor();
  return (
    <ChoicePicker
      choices={tags}
      value={rule.tagId}
      onChange={(tagId) => onChange({ type: "tag", tagId })}
      placeholder={tags ? t("segments.tag.pick") : t("segments.tag.id")}
      testId="rule-tag"
    />
  );
}

export function SegmentRefCondition({ rule, onChange }: Props<"segment">) {
  const t = useT();
  const { segments } = useRuleEditor();
  return (
    <ChoicePicker
      choices={segments}
      value={rule.segmentId}
      onChange={(segmentId) => onChange({ type: "segment", segmentId })}
      placeholder={t("segments.segmentRef.pick")}
      testId="rule-segment"
    />
  );
}

export function RfmCondition({ rule, onChange }: Props<"rfm">) {
  const t = useT();
  const set = (next: { cells?: Rule<"rfm">["cells"]; layers?: Rule<"rfm">["layers"] }) => {
    const cells = next.cells ?? rule.cells ?? [];
    const layers = next.layers ?? rule.layers ?? [];
    onChange({ type: "rfm", ...(cells.length || !layers.length ? { cells } : {}), ...(layers.length ? { layers } : {}) });
  };
  return (
    <>
      <Select
        mode="multiple"
        style={{ minWidth: 240 }}
        placeholder={t("segments.rfm.cells")}
        value={rule.cells ?? []}
        options={RFM_CELLS.map((cell) => ({ value: cell, label: t(`segments.rfm.cell.${cell}`) }))}
        onChange={(cells) => set({ cells })}
        data-testid="rule-rfm-cells"
      />
      <Select
        mode="multiple"
        style={{ minWidth: 200 }}
        placeholder={t("segments.rfm.layers")}
        value={rule.layers ?? []}
        options={RFM_LAYERS.map((layer) => ({ value: layer, label: t(`segments.rfm.layer.${layer}`) }))}
        onChange={(layers) => set({ layers })}
        data-testid="rule-rfm-layers"
      />
    </>
  );
}

export function LifecycleCondition({ rule, onChange }: Props<"lifecycle">) {
  const t = useT();
  return (
    <Select
      mode="multiple"
      style={{ minWidth: 260 }}
      placeholder={t("segments.lifecycle.stages")}
      value={rule.stages}
      options={LIFECYCLE_STAGES.map((stage) => ({ value: stage, label: t(`segments.lifecycle.${stage}`) }))}
      onChange={(stages) => onChange({ type: "lifecycle", stages })}
      data-testid="rule-lifecycle"
    />
  );
}

export function ValueTierCondition({ rule, onChange }: Props<"value_tier">) {
  const t = useT();
  return (
    <Select
      mode="multiple"
      style={{ minWidth: 240 }}
      placeholder={t("segments.valueTier.tiers")}
      value={rule.tiers}
      options={VALUE_TIERS.map((tier) => ({ value: tier, label: t(`segments.valueTier.${tier}`) }))}
      onChange={(tiers) => onChange({ type: "value_tier", tiers })}
      data-testid="rule-value-tier"
    />
  );
}

export function ClvCondition({ rule, onChange }: Props<"clv">) {
  const t = useT();
  return (
    <>
      <Select
        style={{ minWidth: 240 }}
        value={rule.metric}
        options={CLV_METRICS.map((metric) => ({ value: metric, label: t(`segments.clv.${metric}`) }))}
        onChange={(metric) => onChange({ ...rule, metric })}
        popupMatchSelectWidth={false}
        data-testid="rule-clv-metric"
      />
      <Select<CompareOp>
        style={{ width: 110 }}
        value={rule.op}
        options={COMPARE_OP_LIST.map((op) => ({ value: op, label: t(`segments.op.${op}`) }))}
        onChange={(op) => onChange({ ...rule, op, value: thresholdFor(op, rule.value) })}
        popupMatchSelectWidth={false}
        data-testid="rule-op"
      />
      <ValueInput
        kind={rule.op === "between" ? "number-range" : "number"}
        value={rule.value}
        onChange={(value) => {
          if (typeof value === "number" || (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === "number"))) {
            onChange({ ...rule, value: value as number | [number, number] });
          }
        }}
      />
    </>
  );
}

export function StoreCondition({ rule, onChange }: Props<"store">) {
  const t = useT();
  const { stores } = useRuleEditor();
  return (
    <>
      <Select
        style={{ width: 170 }}
        value={rule.relation}
        options={(["purchased", "registered"] as const).map((relation) => ({ value: relation, label: t(`segments.store.${relation}`) }))}
        onChange={(relation) => onChange({ ...rule, relation })}
        popupMatchSelectWidth={false}
        data-testid="rule-store-relation"
      />
      <Select
        mode={stores ? "multiple" : "tags"}
        showSearch
        optionFilterProp="label"
        style={{ minWidth: 260 }}
        placeholder={stores ? t("segments.store.pick") : t("segments.store.ids")}
        value={rule.storeIds}
        options={stores?.map((store) => ({ value: store.id, label: store.name }))}
        open={stores ? undefined : false}
        onChange={(storeIds: string[]) => onChange({ ...rule, storeIds })}
        data-testid="rule-stores"
      />
    </>
  );
}

export function ConsentCondition({ rule, onChange }: Props<"consent">) {
  const t = useT();
  return (
    <>
      <Select<string>
        style={{ width: 130 }}
        value={rule.granted ? "granted" : "refused"}
        options={[
          { value: "granted", label: t("segments.consent.granted") },
          { value: "refused", label: t("segments.consent.refused") },
        ]}
        onChange={(value) => onChange({ ...rule, granted: value === "granted" })}
        data-testid="rule-consent-granted"
      />
      <Select
        style={{ width: 110 }}
        value={rule.purpose}
        options={(["marketing", "service"] as const).map((purpose) => ({ value: purpose, label: t(`segments.consent.${purpose}`) }))}
        onChange={(purpose) => onChange({ ...rule, purpose })}
      />
      <Typography.Text type="secondary">{t("segments.consent.channel")}</Typography.Text>
      <AutoComplete
        style={{ width: 140 }}
        value={rule.channel}
        options={CONSENT_CHANNELS.map((channel) => ({ value: channel }))}
        onChange={(channel: string) => onChange({ ...rule, channel: channel.trim() })}
        data-testid="rule-consent-channel"
      />
    </>
  );
}
