import type { SegmentRule, TraitType } from "@siyu/contracts";
import { Select, Space, Typography } from "antd";
import { useT } from "../../../lib/i18n";
import { opsForTraitType, valueInputFor, withTrait, withTraitOp } from "../rule-tree/conditions";
import type { LeafRule } from "../rule-tree/rule-tree";
import { useRuleEditor } from "./rule-editor-context";
import { ValueInput } from "./rule-value-input";

type TraitRule = Extract<SegmentRule, { type: "trait" }>;

/** "city is Shanghai", "order_count ≥ 1", "birthday anniversary in the next 7 days". */
export function TraitCondition(props: { rule: TraitRule; onChange: (next: LeafRule) => void }) {
  const { rule, onChange } = props;
  const t = useT();
  const { catalogue } = useRuleEditor();
  const traits = catalogue?.traits ?? [];
  const known = traits.find((trait) => trait.key === rule.trait);
  const type: TraitType = known?.type ?? "string";
  const options = traits.map((trait) => ({
    value: trait.key,
    label: trait.label,
    search: `${trait.label} ${trait.key}`.toLowerCase(),
    hint: `${trait.label !== trait.key ? `${trait.key} · ` : ""}${t(`segments.trait.type.${trait.type}`)}${trait.source === "custom" ? ` · ${t("segments.trait.custom")}` : ""}`,
  }));
  if (rule.trait && !known) options.unshift({ value: rule.trait, label: rule.trait, search: rule.trait.toLowerCase(), hint: "" });

  return (
    <>
      <Select
        showSearch
        style={{ minWidth: 170 }}
        placeholder={t("segments.trait.pick")}
        value={rule.trait || undefined}
        options={options}
        filterOption={(input, option) => (option?.search ?? "").includes(input.toLowerCase())}
        optionRender={(option) => (
          <Space size={6}>
            <span>{option.data.label}</span>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {option.data.hint}
            </Typography.Text>
          </Space>
        )}
        onChange={(key: string) => onChange(withTrait(rule, key, traits.find((trait) => trait.key === key)?.type ?? "string"))}
        popupMatchSelectWidth={false}
        data-testid="rule-trait"
      />
      <Select
        style={{ minWidth: 120 }}
        value={rule.op}
        options={opsForTraitType(type).map((op) => ({ value: op, label: t(`segments.op.${op}`) }))}
        onChange={(op) => onChange(withTraitOp(rule, type, op))}
        popupMatchSelectWidth={false}
        data-testid="rule-op"
      />
      <ValueInput
        kind={valueInputFor(type, rule.op)}
        value={rule.value}
        onChange={(value) => onChange(value === undefined ? { type: "trait", trait: rule.trait, op: rule.op } : { ...rule, value })}
      />
    </>
  );
}
