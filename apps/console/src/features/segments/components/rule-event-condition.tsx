import type { CompareOp, EventWindow, PropertyFilter, SegmentRule } from "@siyu/contracts";
import { CloseOutlined, PlusOutlined } from "@ant-design/icons";
import { AutoComplete, Button, DatePicker, Flex, InputNumber, Select, Space, Typography } from "antd";
import dayjs from "dayjs";
import { useT } from "../../../lib/i18n";
import {
  COMPARE_OP_LIST,
  PROPERTY_OPS_BY_TYPE,
  PROPERTY_TYPES,
  WINDOW_KINDS,
  propertyTypeOf,
  propertyValueInput,
  thresholdFor,
  windowOfKind,
  withPropertyOp,
  withPropertyType,
  type PropertyType,
} from "../rule-tree/conditions";
import type { LeafRule } from "../rule-tree/rule-tree";
import { useRuleEditor } from "./rule-editor-context";
import { ValueInput } from "./rule-value-input";

type EventRule = Extract<SegmentRule, { type: "event" }>;
type OccurrenceRule = Extract<SegmentRule, { type: "occurrence" }>;

function EventPicker(props: { value: string; onChange: (event: string) => void }) {
  const t = useT();
  const { catalogue } = useRuleEditor();
  const events = catalogue?.events ?? [];
  const options = events.map((event) => ({ value: event.name, label: event.name, search: event.name.toLowerCase(), count: event.count as number | null }));
  if (props.value && !events.some((event) => event.name === props.value)) {
    options.unshift({ value: props.value, label: props.value, search: props.value.toLowerCase(), count: null });
  }
  return (
    <Select
      showSearch
      style={{ minWidth: 180 }}
      placeholder={t("segments.event.pick")}
      value={props.value || undefined}
      options={options}
      filterOption={(input, option) => (option?.search ?? "").includes(input.toLowerCase())}
      optionRender={(option) => (
        <Flex justify="space-between" gap={12}>
          <span>{option.data.label}</span>
          {option.data.count !== null ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t("segments.event.count", { count: option.data.count })}
            </Typography.Text>
          ) : null}
        </Flex>
      )}
      onChange={props.onChange}
      popupMatchSelectWidth={false}
      data-testid="rule-event"
    />
  );
}

function usePropertyOptions(event: string) {
  const { catalogue } = useRuleEditor();
  const properties = catalogue?.events.find((e) => e.name === event)?.properties ?? [];
  return properties.map((property) => ({ value: property }));
}

function PropertyInput(props: { event: string; value: string; onChange: (property: string) => void; testId: string }) {
  const t = useT();
  const options = usePropertyOptions(props.event);
  return (
    <AutoComplete
      style={{ width: 150 }}
      placeholder={t("segments.where.property")}
      value={props.value}
      options={options}
      filterOption={(input, option) => String(option?.value ?? "").toLowerCase().includes(input.toLowerCase())}
      onChange={props.onChange}
      data-testid={props.testId}
    />
  );
}

export function WindowInput(props: { value: EventWindow; onChange: (window: EventWindow) => void }) {
  const t = useT();
  const { value, onChange } = props;
  return (
    <Space.Compact>
      <Select
        style={{ width: 140 }}
        value={value.kind}
        options={WINDOW_KINDS.map((kind) => ({ value: kind, label: t(`segments.window.${kind}`) }))}
        onChange={(kind) => onChange(windowOfKind(kind, value))}
        popupMatchSelectWidth={false}
        data-testid="rule-window"
      />
      {value.kind === "in_last_days" || value.kind === "before_last_days" ? (
        <>
          <InputNumber
            style={{ width: 80 }}
            min={1}
            precision={0}
            value={value.days}
            onChange={(days) => onChange({ kind: value.kind, days: days ?? 0 })}
            data-testid="rule-window-days"
          />
          <Typography.Text style={{ padding: "4px 8px" }}>{t("segments.value.days")}</Typography.Text>
        </>
      ) : null}
      {value.kind === "between" ? (
        <DatePicker.RangePicker
          value={[value.from ? dayjs(value.from) : null, value.to ? dayjs(value.to) : null]}
          onChange={(range) =>
            onChange({
              kind: "between",
              from: range?.[0]?.startOf("day").toISOString() ?? "",
              // [from, to): the end day is included, so the window runs to the next midnight.
              to: range?.[1]?.startOf("day").add(1, "day").toISOString() ?? "",
            })
          }
        />
      ) : null}
    </Space.Compact>
  );
}

/** Filters on the event's properties: "where product_id is tea-01". */
export function WhereFilters(props: { event: string; where: readonly PropertyFilter[] | undefined; onChange: (where: PropertyFilter[] | undefined) => void }) {
  const t = useT();
  const where = props.where ?? [];
  const set = (next: PropertyFilter[]) => props.onChange(next.length ? next : undefined);
  return (
    <Flex vertical gap={6} style={{ width: "100%" }}>
      {where.map((filter, index) => {
        const type = propertyTypeOf(filter);
        const replace = (next: PropertyFilter) => set(where.map((f, i) => (i === index ? next : f)));
        return (
          <Flex key={index} gap={6} wrap align="center" data-testid={`rule-where-${index}`}>
            <Typography.Text type="secondary">{t("segments.where.label")}</Typography.Text>
            <PropertyInput event={props.event} value={filter.property} onChange={(property) => replace({ ...filter, property })} testId="rule-where-property" />
            <Select<PropertyType>
              style={{ width: 90 }}
              value={type}
              options={PROPERTY_TYPES.map((value) => ({ value, label: t(`segments.where.type.${value}`) }))}
              onChange={(next) => replace(withPropertyType(filter, next))}
              popupMatchSelectWidth={false}
              data-testid="rule-where-type"
            />
            <Select
              style={{ minWidth: 100 }}
              value={filter.op}
              options={PROPERTY_OPS_BY_TYPE[type].map((op) => ({ value: op, label: t(`segments.op.${op}`) }))}
              onChange={(op) => replace(withPropertyOp(filter, type, op))}
              popupMatchSelectWidth={false}
              data-testid="rule-where-op"
            />
            <ValueInput
              kind={propertyValueInput(type, filter.op)}
              value={filter.value}
              onChange={(value) => replace(value === undefined ? { property: filter.property, op: filter.op } : { ...filter, value })}
            />
            <Button type="text" size="small" icon={<CloseOutlined />} onClick={() => set(where.filter((_, i) => i !== index))} />
          </Flex>
        );
      })}
      <div>
        <Button
          type="link"
          size="small"
          icon={<PlusOutlined />}
          style={{ paddingInline: 0 }}
          onClick={() => set([...where, { property: "", op: "eq", value: "" }])}
          data-testid="rule-where-add"
        >
          {t("segments.where.add")}
        </Button>
      </div>
    </Flex>
  );
}

export function EventCondition(props: { rule: EventRule; onChange: (next: LeafRule) => void }) {
  const { rule, onChange } = props;
  const t = useT();
  const properties = usePropertyOptions(rule.event);
  const valueKind = rule.op === "between" ? "number-range" : "number";
  return (
    <Flex vertical gap={6} style={{ flex: 1 }}>
      <Flex gap={6} wrap align="center">
        <EventPicker value={rule.event} onChange={(event) => onChange({ ...rule, event })} />
        <Select
          style={{ width: 110 }}
          value={rule.measure.kind}
          options={(["count", "sum", "avg"] as const).map((kind) => ({ value: kind, label: t(`segments.measure.${kind}`) }))}
          onChange={(kind) =>
            onChange({
              ...rule,
              measure: kind === "count" ? { kind } : { kind, property: "property" in rule.measure ? rule.measure.property : properties.some((p) => p.value === "revenue") ? "revenue" : "" },
            })
          }
          popupMatchSelectWidth={false}
          data-testid="rule-measure"
        />
        {rule.measure.kind !== "count" ? (
          <PropertyInput
            event={rule.event}
            value={rule.measure.property}
            onChange={(property) => onChange({ ...rule, measure: { kind: rule.measure.kind as "sum" | "avg", property } })}
            testId="rule-measure-property"
          />
        ) : null}
        <Select<CompareOp>
          style={{ width: 110 }}
          value={rule.op}
          options={COMPARE_OP_LIST.map((op) => ({ value: op, label: t(`segments.op.${op}`) }))}
          onChange={(op) => onChange({ ...rule, op, value: thresholdFor(op, rule.value) })}
          popupMatchSelectWidth={false}
          data-testid="rule-op"
        />
        <ValueInput
          kind={valueKind}
          value={rule.value}
          onChange={(value) => {
            if (typeof value === "number" || (Array.isArray(value) && value.every((v) => typeof v === "number") && value.length === 2)) {
              onChange({ ...rule, value: value as number | [number, number] });
            }
          }}
        />
        <WindowInput value={rule.window} onChange={(window) => onChange({ ...rule, window })} />
      </Flex>
      <WhereFilters event={rule.event} where={rule.where} onChange={(where) => onChange(withWhere(rule, where))} />
    </Flex>
  );
}

function withWhere<R extends EventRule | OccurrenceRule>(rule: R, where: PropertyFilter[] | undefined): R {
  const { where: _old, ...rest } = rule;
  return (where ? { ...rest, where } : rest) as R;
}

export function OccurrenceCondition(props: { rule: OccurrenceRule; onChange: (next: LeafRule) => void }) {
  const { rule, onChange } = props;
  const t = useT();
  return (
    <Flex vertical gap={6} style={{ flex: 1 }}>
      <Flex gap={6} wrap align="center">
        <Select
          style={{ width: 110 }}
          value={rule.which}
          options={(["first", "last"] as const).map((which) => ({ value: which, label: t(`segments.occurrence.${which}`) }))}
          onChange={(which) => onChange({ ...rule, which })}
          data-testid="rule-which"
        />
        <EventPicker value={rule.event} onChange={(event) => onChange({ ...rule, event })} />
        <Typography.Text type="secondary">{t("segments.occurrence.did")}</Typography.Text>
        <WindowInput value={rule.window} onChange={(window) => onChange({ ...rule, window })} />
      </Flex>
      <WhereFilters event={rule.event} where={rule.where} onChange={(where) => onChange(withWhere(rule, where))} />
    </Flex>
  );
}
