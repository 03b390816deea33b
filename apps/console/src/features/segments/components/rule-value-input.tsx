import type { RuleValue } from "@siyu/contracts";
import { DatePicker, Input, InputNumber, Select, Space, Typography } from "antd";
import dayjs from "dayjs";
import type { ReactNode } from "react";
import { useT } from "../../../lib/i18n";
import type { ValueInputKind } from "../rule-tree/conditions";

const DATE_FORMAT = "YYYY-MM-DD";

function asNumber(value: unknown): number | null {
  return typeof value === "number" ? value : null;
}

function asDate(value: unknown) {
  return typeof value === "string" && value ? dayjs(value) : null;
}

/** The operand of a condition, in the input its operator asks for. */
export function ValueInput(props: { kind: ValueInputKind; value: RuleValue | undefined; onChange: (value: RuleValue | undefined) => void }) {
  const { kind, value, onChange } = props;
  const t = useT();
  const pair = Array.isArray(value) ? value : [];
  let input: ReactNode = null;
  switch (kind) {
    case "none":
      return null;
    case "text":
      input = (
        <Input
          style={{ width: 160 }}
          placeholder={t("segments.value.text")}
          value={typeof value === "string" ? value : ""}
          onChange={(e) => onChange(e.target.value)}
        />
      );
      break;
    case "text-list":
      input = (
        <Select
          mode="tags"
          style={{ minWidth: 220 }}
          placeholder={t("segments.value.list")}
          tokenSeparators={[",", "，"]}
          open={false}
          value={pair.map(String)}
          onChange={(next: string[]) => onChange(next)}
        />
      );
      break;
    case "number-list":
      input = (
        <Select
          mode="tags"
          style={{ minWidth: 180 }}
          placeholder={t("segments.value.list")}
          tokenSeparators={[",", "，", " "]}
          open={false}
          value={pair.map(String)}
          onChange={(next: string[]) => onChange(next.map(Number).filter((n) => Number.isFinite(n)))}
        />
      );
      break;
    case "number":
      input = (
        <InputNumber
          style={{ width: 120 }}
          placeholder={t("segments.value.number")}
          value={asNumber(value)}
          onChange={(next) => onChange(next ?? undefined)}
        />
      );
      break;
    case "number-range":
      input = (
        <Space.Compact>
          <InputNumber style={{ width: 100 }} value={asNumber(pair[0])} onChange={(next) => onChange([next ?? 0, asNumber(pair[1]) ?? next ?? 0])} />
          <Typography.Text style={{ padding: "4px 8px" }}>{t("segments.value.and")}</Typography.Text>
          <InputNumber style={{ width: 100 }} value={asNumber(pair[1])} onChange={(next) => onChange([asNumber(pair[0]) ?? next ?? 0, next ?? 0])} />
        </Space.Compact>
      );
      break;
    case "boolean":
      input = (
        <Select<string>
          style={{ width: 100 }}
          value={value === false ? "false" : "true"}
          onChange={(next) => onChange(next === "true")}
          options={[
            { value: "true", label: t("segments.value.true") },
            { value: "false", label: t("segments.value.false") },
          ]}
        />
      );
      break;
    case "date":
      input = <DatePicker value={asDate(value)} format={DATE_FORMAT} onChange={(d) => onChange(d ? d.format(DATE_FORMAT) : "")} />;
      break;
    case "date-range":
      input = (
        <DatePicker.RangePicker
          value={[asDate(pair[0]), asDate(pair[1])]}
          format={DATE_FORMAT}
          onChange={(range) => onChange([range?.[0]?.format(DATE_FORMAT) ?? "", range?.[1]?.format(DATE_FORMAT) ?? ""])}
        />
      );
      break;
    case "days":
      input = (
        <Space.Compact>
          <InputNumber style={{ width: 90 }} min={0} precision={0} value={asNumber(value)} onChange={(next) => onChange(next ?? undefined)} />
          <Typography.Text style={{ padding: "4px 8px" }}>{t("segments.value.days")}</Typography.Text>
        </Space.Compact>
      );
      break;
  }
  return (
    <span data-testid="rule-value" style={{ display: "inline-flex" }}>
      {input}
    </span>
  );
}
