import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import {
  CHANNELS,
  MESSAGE_CATEGORIES,
  type JourneyAction,
  type JourneyCondition,
  type JourneyNode,
  type JourneyTrigger,
  type JourneyWait,
  type SegmentRule,
} from "@siyu/contracts";
import { Button, Drawer, Flex, Form, Input, InputNumber, Popconfirm, Select, Switch, Typography } from "antd";
import type { ReactNode } from "react";
import { useT } from "../../../lib/i18n";
import { defaultAction, defaultCondition, defaultTrigger, defaultWait } from "../graph/node-model";
import { ReferenceSelect, type ReferenceChoices } from "./reference-select";
import { DurationInput, LocalTimeInput, PropertyFiltersInput, WeekdaysInput } from "./small-inputs";

/** What the segments feature's rule builder takes; the app passes it in (features do not import each other). */
export type RuleBuilderSlot = (props: { value: SegmentRule; onChange: (next: SegmentRule) => void; saveError?: unknown; testId?: string }) => ReactNode;

type FieldsProps<T> = { value: T; onChange: (next: T) => void; disabled: boolean; choices: ReferenceChoices; ruleBuilder: RuleBuilderSlot };

const TRIGGER_KINDS: JourneyTrigger["kind"][] = ["event", "segment_entered", "segment_exited", "date_trait", "tier_changed", "lifecycle_changed", "schedule", "api"];
const WAIT_KINDS: JourneyWait["kind"][] = ["duration", "until_time", "until_event"];
const CONDITION_KINDS: JourneyCondition["kind"][] = ["rule", "coupon_held", "trigger_event"];
const ACTION_KINDS: JourneyAction["kind"][] = ["send", "issue_coupon", "award_points", "add_tag", "remove_tag", "webhook", "store_task"];

function TriggerFields({ value, onChange, disabled, choices }: FieldsProps<JourneyTrigger>) {
  const t = useT();
  return (
    <>
      <Form.Item label={t("journeys.inspector.kind")}>
        <Select value={value.kind} disabled={disabled} onChange={(k) => onChange(defaultTrigger(k))} options={TRIGGER_KINDS.map((k) => ({ value: k, label: t(`journeys.trigger.${k}`) }))} data-testid="inspector-trigger-kind" />
      </Form.Item>
      {value.kind === "event" ? (
        <>
          <Form.Item label={t("journeys.inspector.event")}>
            <Input value={value.event} disabled={disabled} onChange={(e) => onChange({ ...value, event: e.target.value })} data-testid="inspector-event" />
          </Form.Item>
          <Form.Item label={t("journeys.inspector.where")}>
            <PropertyFiltersInput value={value.where} disabled={disabled} onChange={(where) => onChange({ ...value, where })} />
          </Form.Item>
          <Form.Item label={t("journeys.inspector.countEnabled")}>
            <Switch checked={value.count !== null} disabled={disabled} onChange={(on) => onChange({ ...value, count: on ? { atLeast: 2, withinDays: 7 } : null })} />
          </Form.Item>
          {value.count ? (
            <Flex gap={12}>
              <Form.Item label={t("journeys.inspector.atLeast")}>
                <InputNumber<number> min={2} max={1000} precision={0} value={value.count.atLeast} disabled={disabled} onChange={(v) => v && onChange({ ...value, count: { ...value.count!, atLeast: v } })} />
              </Form.Item>
              <Form.Item label={t("journeys.inspector.withinDays")}>
                <InputNumber<number> min={1} max={365} precision={0} value={value.count.withinDays} disabled={disabled} onChange={(v) => v && onChange({ ...value, count: { ...value.count!, withinDays: v } })} />
              </Form.Item>
            </Flex>
          ) : null}
        </>
      ) : null}
      {value.kind === "segment_entered" || value.kind === "segment_exited" ? (
        <Form.Item label={t("journeys.inspector.segment")}>
          <ReferenceSelect choices={choices} kind="segment" value={value.segmentId} disabled={disabled} onChange={(id) => id && onChange({ ...value, segmentId: id })} testId="inspector-segment" />
        </Form.Item>
      ) : null}
      {value.kind === "date_trait" ? (
        <>
          <Form.Item label={t("journeys.inspector.trait")}>
            <Input value={value.trait} disabled={disabled} onChange={(e) => onChange({ ...value, trait: e.target.value })} />
          </Form.Item>
          <Form.Item label={t("journeys.inspector.anniversary")}>
            <Switch checked={value.anniversary} disabled={disabled} onChange={(anniversary) => onChange({ ...value, anniversary })} />
          </Form.Item>
          <Flex gap={12}>
            <Form.Item label={t("journeys.inspector.offsetDays")}>
              <InputNumber<number> min={-60} max={60} precision={0} value={value.offsetDays} disabled={disabled} onChange={(v) => v !== null && onChange({ ...value, offsetDays: v })} />
            </Form.Item>
            <Form.Item label={t("journeys.inspector.at")}>
              <LocalTimeInput value={value.at} disabled={disabled} onChange={(at) => onChange({ ...value, at })} />
            </Form.Item>
          </Flex>
        </>
      ) : null}
      {value.kind === "tier_changed" ? (
        <Flex gap={12}>
          <Form.Item label={t("journeys.inspector.direction")}>
            <Select
              style={{ width: 120 }}
              value={value.direction}
              disabled={disabled}
              onChange={(direction) => onChange({ ...value, direction })}
              options={(["up", "down", "any"] as const).map((d) => ({ value: d, label: t(`journeys.inspector.direction.${d}`) }))}
            />
          </Form.Item>
          <Form.Item label={t("journeys.inspector.to")}>
            <Input value={value.to ?? ""} disabled={disabled} onChange={(e) => onChange({ ...value, to: e.target.value.trim() || null })} />
          </Form.Item>
        </Flex>
      ) : null}
      {value.kind === "lifecycle_changed" ? (
        <Form.Item label={t("journeys.inspector.to")}>
          <Input value={value.to ?? ""} disabled={disabled} onChange={(e) => onChange({ ...value, to: e.target.value.trim() || null })} />
        </Form.Item>
      ) : null}
      {value.kind === "schedule" ? (
        <>
          <Form.Item label={t("journeys.inspector.segment")}>
            <ReferenceSelect choices={choices} kind="segment" value={value.segmentId} allowNone={t("journeys.inspector.segmentAny")} disabled={disabled} onChange={(segmentId) => onChange({ ...value, segmentId })} />
          </Form.Item>
          <Form.Item label={t("journeys.inspector.at")}>
            <LocalTimeInput value={value.at} disabled={disabled} onChange={(at) => onChange({ ...value, at })} />
          </Form.Item>
          <Form.Item label={t("journeys.inspector.weekdays")}>
            <WeekdaysInput value={value.weekdays} disabled={disabled} onChange={(weekdays) => onChange({ ...value, weekdays })} />
          </Form.Item>
        </>
      ) : null}
    </>
  );
}

function WaitFields({ value, onChange, disabled }: FieldsProps<JourneyWait>) {
  const t = useT();
  return (
    <>
      <Form.Item label={t("journeys.inspector.kind")}>
        <Select value={value.kind} disabled={disabled} onChange={(k) => onChange(defaultWait(k))} options={WAIT_KINDS.map((k) => ({ value: k, label: t(`journeys.wait.${k}`) }))} data-testid="inspector-wait-kind" />
      </Form.Item>
      {value.kind === "duration" ? (
        <Form.Item label={t("journeys.inspector.minutes")}>
          <DurationInput value={value.minutes} disabled={disabled} onChange={(minutes) => onChange({ ...value, minutes })} testId="inspector-wait-minutes" />
        </Form.Item>
      ) : null}
      {value.kind === "until_time" ? (
        <>
          <Form.Item label={t("journeys.inspector.at")}>
            <LocalTimeInput value={value.at} disabled={disabled} onChange={(at) => onChange({ ...value, at })} />
          </Form.Item>
          <Form.Item label={t("journeys.inspector.weekdays")}>
            <WeekdaysInput value={value.weekdays} disabled={disabled} onChange={(weekdays) => onChange({ ...value, weekdays })} />
          </Form.Item>
        </>
      ) : null}
      {value.kind === "until_event" ? (
        <>
          <Form.Item label={t("journeys.inspector.event")}>
            <Input value={value.event} disabled={disabled} onChange={(e) => onChange({ ...value, event: e.target.value })} data-testid="inspector-wait-event" />
          </Form.Item>
          <Form.Item label={t("journeys.inspector.where")}>
            <PropertyFiltersInput value={value.where} disabled={disabled} onChange={(where) => onChange({ ...value, where })} />
          </Form.Item>
          <Form.Item label={t("journeys.inspector.timeout")}>
            <DurationInput value={value.timeoutMinutes} disabled={disabled} onChange={(timeoutMinutes) => onChange({ ...value, timeoutMinutes })} testId="inspector-wait-timeout" />
          </Form.Item>
        </>
      ) : null}
    </>
  );
}

function ConditionFields({ value, onChange, disabled, choices, ruleBuilder }: FieldsProps<JourneyCondition>) {
  const t = useT();
  return (
    <>
      <Form.Item label={t("journeys.inspector.kind")}>
        <Select value={value.kind} disabled={disabled} onChange={(k) => onChange(defaultCondition(k))} options={CONDITION_KINDS.map((k) => ({ value: k, label: t(`journeys.condition.${k}`) }))} data-testid="inspector-condition-kind" />
      </Form.Item>
      {value.kind === "rule" ? (
        <Form.Item label={t("journeys.inspector.rule")}>
          <div style={disabled ? { pointerEvents: "none", opacity: 0.7 } : undefined}>{ruleBuilder({ value: value.rule, onChange: (rule) => onChange({ ...value, rule }), testId: "inspector-rule" })}</div>
        </Form.Item>
      ) : null}
      {value.kind === "coupon_held" ? (
        <Form.Item label={t("journeys.inspector.couponTemplate")}>
          <ReferenceSelect choices={choices} kind="coupon_template" value={value.templateId} allowNone={t("journeys.inspector.couponAny")} disabled={disabled} onChange={(templateId) => onChange({ ...value, templateId })} />
        </Form.Item>
      ) : null}
      {value.kind === "trigger_event" ? (
        <Form.Item label={t("journeys.inspector.where")}>
          <PropertyFiltersInput value={value.where} min={1} disabled={disabled} onChange={(where) => onChange({ ...value, where })} />
        </Form.Item>
      ) : null}
    </>
  );
}

function ActionFields({ value, onChange, disabled, choices }: FieldsProps<JourneyAction>) {
  const t = useT();
  return (
    <>
      <Form.Item label={t("journeys.inspector.kind")}>
        <Select value={value.kind} disabled={disabled} onChange={(k) => onChange(defaultAction(k))} options={ACTION_KINDS.map((k) => ({ value: k, label: t(`journeys.action.${k}`) }))} data-testid="inspector-action-kind" />
      </Form.Item>
      {value.kind === "send" ? (
        <>
          <Flex gap={12}>
            <Form.Item label={t("journeys.inspector.channel")} style={{ flex: 1 }}>
              <Select value={value.channel} disabled={disabled} onChange={(channel) => onChange({ ...value, channel })} options={CHANNELS.map((c) => ({ value: c, label: t(`journeys.channel.${c}`) }))} data-testid="inspector-channel" />
            </Form.Item>
            <Form.Item label={t("journeys.inspector.category")} style={{ flex: 1 }}>
              <Select value={value.category} disabled={disabled} onChange={(category) => onChange({ ...value, category })} options={MESSAGE_CATEGORIES.map((c) => ({ value: c, label: t(`journeys.category.${c}`) }))} />
            </Form.Item>
          </Flex>
          <Form.Item label={t("journeys.inspector.template")}>
            <ReferenceSelect choices={choices} kind="message_template" channel={value.channel} value={value.templateId} disabled={disabled} onChange={(id) => id && onChange({ ...value, templateId: id })} testId="inspector-template" />
          </Form.Item>
        </>
      ) : null}
      {value.kind === "issue_coupon" ? (
        <Form.Item label={t("journeys.inspector.couponTemplate")}>
          <ReferenceSelect choices={choices} kind="coupon_template" value={value.templateId} disabled={disabled} onChange={(id) => id && onChange({ ...value, templateId: id })} testId="inspector-coupon-template" />
        </Form.Item>
      ) : null}
      {value.kind === "award_points" ? (
        <Flex gap={12}>
          <Form.Item label={t("journeys.inspector.points")}>
            <InputNumber<number> min={1} max={1_000_000} precision={0} value={value.points} disabled={disabled} onChange={(v) => v && onChange({ ...value, points: v })} />
          </Form.Item>
          <Form.Item label={t("journeys.inspector.reason")} style={{ flex: 1 }}>
            <Input value={value.reason} maxLength={200} disabled={disabled} onChange={(e) => onChange({ ...value, reason: e.target.value })} />
          </Form.Item>
        </Flex>
      ) : null}
      {value.kind === "add_tag" || value.kind === "remove_tag" ? (
        <Form.Item label={t("journeys.inspector.tag")}>
          <ReferenceSelect choices={choices} kind="tag" value={value.tagId} disabled={disabled} onChange={(id) => id && onChange({ ...value, tagId: id })} testId="inspector-tag" />
        </Form.Item>
      ) : null}
      {value.kind === "webhook" ? (
        <Form.Item label={t("journeys.inspector.url")}>
          <Input value={value.url} maxLength={2000} disabled={disabled} onChange={(e) => onChange({ ...value, url: e.target.value })} />
        </Form.Item>
      ) : null}
      {value.kind === "store_task" ? (
        <>
          <Form.Item label={t("journeys.inspector.taskTitle")}>
            <Input value={value.title} maxLength={200} disabled={disabled} onChange={(e) => onChange({ ...value, title: e.target.value })} />
          </Form.Item>
          <Form.Item label={t("journeys.inspector.note")}>
            <Input.TextArea value={value.note} maxLength={2000} disabled={disabled} onChange={(e) => onChange({ ...value, note: e.target.value })} />
          </Form.Item>
          <Form.Item label={t("journeys.inspector.storeId")}>
            <Input value={value.storeId ?? ""} disabled={disabled} onChange={(e) => onChange({ ...value, storeId: e.target.value.trim() || null })} />
          </Form.Item>
        </>
      ) : null}
    </>
  );
}

type Branch = Extract<JourneyNode, { type: "split" }>["branches"][number];

function SplitFields({ value, onChange, disabled }: Omit<FieldsProps<Branch[]>, "choices" | "ruleBuilder">) {
  const t = useT();
  const total = value.reduce((s, b) => s + b.percent, 0);
  const nextKey = () => "abcdefghij".split("").find((k) => !value.some((b) => b.key === k)) ?? `b${value.length}`;
  const set = (i: number, patch: Partial<Branch>) => onChange(value.map((b, j) => (j === i ? { ...b, ...patch } : b)));
  return (
    <Form.Item label={t("journeys.inspector.branches")} help={t("journeys.inspector.percentTotal", { total })} validateStatus={total === 100 ? undefined : "warning"}>
      <Flex vertical gap={6}>
        {value.map((b, i) => (
          <Flex gap={4} key={i}>
            <Input style={{ width: 90 }} placeholder={t("journeys.inspector.branchKey")} value={b.key} disabled={disabled} onChange={(e) => set(i, { key: e.target.value.toLowerCase().replace(/[^a-z0-9_]/g, "").slice(0, 30) })} />
            <Input placeholder={t("journeys.inspector.branchLabel")} value={b.label} maxLength={100} disabled={disabled} onChange={(e) => set(i, { label: e.target.value })} />
            <InputNumber<number> min={0} max={100} value={b.percent} addonAfter="%" style={{ width: 130, flex: "none" }} disabled={disabled} onChange={(v) => set(i, { percent: v ?? 0 })} data-testid={`inspector-branch-percent-${b.key}`} />
            <Button icon={<DeleteOutlined />} disabled={disabled || value.length <= 2} onClick={() => onChange(value.filter((_, j) => j !== i))} />
          </Flex>
        ))}
        <Button size="small" icon={<PlusOutlined />} disabled={disabled || value.length >= 10} style={{ alignSelf: "flex-start" }} onClick={() => onChange([...value, { key: nextKey(), label: "", percent: 0 }])}>
          {t("journeys.inspector.addBranch")}
        </Button>
      </Flex>
    </Form.Item>
  );
}

/** The drawer editing one node: a form per node type; every change shows on the canvas at once. */
export function NodeInspector(props: {
  node: JourneyNode | null;
  problems: string[];
  onChange: (node: JourneyNode) => void;
  onDelete: (id: string) => void;
  onClose: () => void;
  readOnly: boolean;
  choices: ReferenceChoices;
  ruleBuilder: RuleBuilderSlot;
}) {
  const t = useT();
  const { node, readOnly } = props;
  const common = { disabled: readOnly, choices: props.choices, ruleBuilder: props.ruleBuilder };
  return (
    <Drawer
      open={node !== null}
      onClose={props.onClose}
      width={560}
      mask={false}
      title={node ? t("journeys.inspector.title", { type: t(`journeys.node.${node.type}`), id: node.id }) : ""}
      extra={
        node && !readOnly ? (
          <Popconfirm title={t("journeys.inspector.delete")} onConfirm={() => props.onDelete(node.id)}>
            <Button danger icon={<DeleteOutlined />} data-testid="inspector-delete">
              {t("journeys.inspector.delete")}
            </Button>
          </Popconfirm>
        ) : null
      }
      data-testid="journey-inspector"
    >
      {node ? (
        <Form layout="vertical" component="div">
          {props.problems.map((m, i) => (
            <Typography.Paragraph key={i} type="danger">
              {m}
            </Typography.Paragraph>
          ))}
          {node.type === "trigger" ? <TriggerFields {...common} value={node.trigger} onChange={(trigger) => props.onChange({ ...node, trigger })} /> : null}
          {node.type === "wait" ? <WaitFields {...common} value={node.wait} onChange={(wait) => props.onChange({ ...node, wait })} /> : null}
          {node.type === "condition" ? <ConditionFields {...common} value={node.condition} onChange={(condition) => props.onChange({ ...node, condition })} /> : null}
          {node.type === "split" ? <SplitFields disabled={readOnly} value={node.branches} onChange={(branches) => props.onChange({ ...node, branches })} /> : null}
          {node.type === "action" ? <ActionFields {...common} value={node.action} onChange={(action) => props.onChange({ ...node, action })} /> : null}
          {node.type === "exit" ? <Typography.Paragraph type="secondary">{t("journeys.inspector.exitHelp")}</Typography.Paragraph> : null}
        </Form>
      ) : null}
    </Drawer>
  );
}
