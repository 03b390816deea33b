import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { TRAIT_OPS, type PropertyFilter, type TraitOp } from "@siyu/contracts";
import { Button, Checkbox, Flex, Input, InputNumber, Select, Space, TimePicker } from "antd";
import dayjs from "dayjs";
import { useState } from "react";
import { useT } from "../../../lib/i18n";
import { NO_VALUE, formatFilterValue, parseFilterValue } from "../graph/filter-value";

const UNITS = [
  { unit: "days", minutes: 1440 },
  { unit: "hours", minutes: 60 },
  { unit: "minutes", minutes: 1 },
] as const;
type Unit = (typeof UNITS)[number]["unit"];

/** Minutes, typed in the largest unit that divides them. */
export function DurationInput(props: { value: number; onChange: (minutes: number) => void; disabled?: boolean; testId?: string }) {
  const t = useT();
  const [unit, setUnit] = useState<Unit>(() => UNITS.find((u) => props.value % u.minutes === 0)!.unit);
  const size = UNITS.find((u) => u.unit === unit)!.minutes;
  return (
    <Space.Compact>
      <InputNumber<number>
        min={1}
        precision={unit === "minutes" ? 0 : 2}
        value={Math.round((props.value / size) * 100) / 100}
        disabled={props.disabled}
        onChange={(v) => v !== null && props.onChange(Math.max(1, Math.round(v * size)))}
        data-testid={props.testId}
      />
      <Select<Unit> style={{ width: 100 }} value={unit} disabled={props.disabled} onChange={setUnit} options={UNITS.map((u) => ({ value: u.unit, label: t(`journeys.inspector.unit.${u.unit}`) }))} />
    </Space.Compact>
  );
}

export function LocalTimeInput(props: { value: string; onChange: (value: string) => void; disabled?: boolean }) {
  return (
    <TimePicker
      format="HH:mm"
      allowClear={false}
      minuteStep={5}
      needConfirm={false}
      disabled={props.disabled}
      value={dayjs(`2000-01-01T${props.value}`)}
      onChange={(v) => v && props.onChange(v.format("HH:mm"))}
    />
  );
}

export function WeekdaysInput(props: { value: number[]; onChange: (value: number[]) => void; disabled?: boolean }) {
  const t = useT();
  return (
    <Checkbox.Group
      disabled={props.disabled}
      value={props.value}
      onChange={(v) => props.onChange([...v].sort((a, b) => a - b))}
      options={([1, 2, 3, 4, 5, 6, 7] as const).map((d) => ({ value: d, label: t(`journeys.weekday.${d}`) }))}
    />
  );
}

function FilterRow(props: { filter: PropertyFilter; onChange: (f: PropertyFilter) => void; onRemove: () => void; disabled?: boolean }) {
  const t = useT();
  const { filter } = props;
  const [text, setText] = useState(formatFilterValue(filter.value));
  return (
    <Flex gap={4}>
      <Input placeholder={t("journeys.inspector.property")} value={filter.property} disabled={props.disabled} onChange={(e) => props.onChange({ ...filter, property: e.target.value })} />
      <Select<TraitOp>
        style={{ width: 150, flex: "none" }}
        value={filter.op}
        disabled={props.disabled}
        onChange={(op) => props.onChange({ ...filter, op, value: parseFilterValue(op, text) })}
        options={TRAIT_OPS.map((op) => ({ value: op, label: t(`journeys.op.${op}`) }))}
      />
      {NO_VALUE.includes(filter.op) ? null : (
        <Input
          placeholder={t("journeys.inspector.value")}
          value={text}
          disabled={props.disabled}
          onChange={(e) => {
            setText(e.target.value);
            props.onChange({ ...filter, value: parseFilterValue(filter.op, e.target.value) });
          }}
        />
      )}
      <Button icon={<DeleteOutlined />} disabled={props.disabled} onClick={props.onRemove} />
    </Flex>
  );
}

/** Property filters on an event (e.g. total ≥ 200). */
export function PropertyFiltersInput(props: { value: PropertyFilter[]; onChange: (value: PropertyFilter[]) => void; disabled?: boolean; min?: number }) {
  const t = useT();
  return (
    <Flex vertical gap={6}>
      {props.value.map((f, i) => (
        <FilterRow
          key={i}
          filter={f}
          disabled={props.disabled}
          onChange={(next) => props.onChange(props.value.map((x, j) => (j === i ? next : x)))}
          onRemove={() => props.value.length > (props.min ?? 0) && props.onChange(props.value.filter((_, j) => j !== i))}
        />
      ))}
      <Button size="small" icon={<PlusOutlined />} disabled={props.disabled || props.value.length >= 20} onClick={() => props.onChange([...props.value, { property: "", op: "eq", value: "" }])} style={{ alignSelf: "flex-start" }}>
        {t("journeys.inspector.addFilter")}
      </Button>
    </Flex>
  );
}
