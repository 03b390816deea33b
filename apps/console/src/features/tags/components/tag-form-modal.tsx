import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import type { CreateTagBody, QuantileMetric, TagDto, TagGroupDto, TagKind } from "@siyu/contracts";
import { Alert, Button, ColorPicker, Form, Input, InputNumber, Modal, Radio, Select, Space, Typography } from "antd";
import { useEffect } from "react";
import { useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { useCreateTag, useUpdateTag } from "../api/tags-api";
import {
  DEFAULT_QUANTILE_FORM,
  definitionToQuantileForm,
  quantileFormToDefinition,
  segmentRuleToSimpleRule,
  simpleRuleToSegmentRule,
  type QuantileLevelForm,
} from "../tag-definitions";

type FormValues = {
  kind: TagKind;
  name: string;
  groupId?: string | null;
  color?: string | null;
  event?: string;
  property?: string;
  value?: string;
  minCount?: number;
  days?: number;
  metric?: QuantileMetric;
  metricEvent?: string;
  windowDays?: number | null;
  levels?: QuantileLevelForm[];
};

const METRICS: QuantileMetric[] = ["total_spend", "order_count", "event_count"];

/** Create or edit a tag: manual, a simple event rule, or a quantile scheme. */
export function TagFormModal(props: { workspaceId: string; open: boolean; tag: TagDto | null; groups: TagGroupDto[]; tags: TagDto[]; onClose: () => void }) {
  const t = useT();
  const [form] = Form.useForm<FormValues>();
  const create = useCreateTag(props.workspaceId);
  const update = useUpdateTag(props.workspaceId);
  const reportError = useReportApiError();
  const kind = Form.useWatch("kind", form) ?? "manual";
  const metric = Form.useWatch("metric", form);
  const editing = props.tag;
  const simpleRule = editing?.kind === "rule" ? segmentRuleToSimpleRule((editing.definition as { rule?: unknown } | null)?.rule) : null;

  // Filled when the modal opens or another tag is to be edited — not when the tag list changes: the list
  // refetched after the previous save used to arrive while the next tag was being entered and reset it.
  const editingId = editing?.id ?? null;
  useEffect(() => {
    if (!props.open) return;
    form.resetFields();
    if (!editing) {
      form.setFieldsValue({ kind: "manual", minCount: 3, days: 30, metric: DEFAULT_QUANTILE_FORM.metric, levels: DEFAULT_QUANTILE_FORM.levels });
      return;
    }
    const quantile = editing.kind === "quantile" ? definitionToQuantileForm(editing.definition, props.tags) : null;
    form.setFieldsValue({
      kind: editing.kind,
      name: editing.name,
      groupId: editing.groupId,
      color: editing.color,
      ...(simpleRule ?? {}),
      ...(quantile ? { metric: quantile.metric, metricEvent: quantile.event, windowDays: quantile.windowDays, levels: quantile.levels } : {}),
    });
    // The tag and the list as they are when the modal opens (read from this render).
  }, [props.open, editingId, form]);

  const groupTags = (groupId: string | null | undefined) => props.tags.filter((tag) => tag.groupId === (groupId ?? null));

  async function submit() {
    const v = await form.validateFields();
    const color = typeof v.color === "string" ? v.color : v.color ? String((v.color as { toHexString?: () => string }).toHexString?.() ?? "") : null;
    const rule = v.kind === "rule" && v.event ? { rule: simpleRuleToSegmentRule({ event: v.event, property: v.property, value: v.value, minCount: v.minCount ?? 1, days: v.days ?? 30 }) } : undefined;
    const scheme =
      v.kind === "quantile"
        ? quantileFormToDefinition({ metric: v.metric ?? "total_spend", event: v.metricEvent, windowDays: v.windowDays, levels: v.levels ?? [] }, groupTags(v.groupId))
        : undefined;
    try {
      if (editing) {
        await update.mutateAsync({
          tagId: editing.id,
          body: {
            name: v.name,
            color: color || null,
            ...(editing.kind !== "quantile" ? { groupId: v.groupId ?? null } : {}),
            ...(editing.kind === "rule" && simpleRule && rule ? { definition: rule } : {}),
            ...(editing.kind === "quantile" && scheme ? { definition: scheme } : {}),
          },
        });
      } else {
        const base = { name: v.name, color: color || null };
        const body: CreateTagBody =
          v.kind === "manual"
            ? { kind: "manual", ...base, groupId: v.groupId ?? null }
            : v.kind === "rule"
              ? { kind: "rule", ...base, groupId: v.groupId ?? null, definition: rule! }
              : { kind: "quantile", ...base, name: v.levels?.[0]?.tagName ?? v.name, groupId: v.groupId!, definition: scheme! };
        await create.mutateAsync(body);
      }
      props.onClose();
    } catch (error) {
      reportError(error, form, ["name", "groupId", "color", "definition"]);
    }
  }

  return (
    <Modal
      open={props.open}
      title={editing ? `${t("tags.edit")} · ${editing.name}` : t("tags.newTag")}
      onCancel={props.onClose}
      onOk={() => void submit()}
      confirmLoading={create.isPending || update.isPending}
      width={640}
      destroyOnHidden
      data-testid="tag-form"
    >
      <Form form={form} layout="vertical">
        <Form.Item name="kind" label={t("tags.form.kind")}>
          <Radio.Group disabled={Boolean(editing)}>
            {(["manual", "rule", "quantile"] as const).map((k) => (
              <Radio.Button key={k} value={k}>
                {t(`tags.kind.${k}`)}
              </Radio.Button>
            ))}
          </Radio.Group>
        </Form.Item>
        {kind !== "quantile" || editing ? (
          <Form.Item name="name" label={t("tags.form.name")} rules={[{ required: true, max: 100 }]}>
            <Input data-testid="tag-name" />
          </Form.Item>
        ) : null}
        <Form.Item
          name="groupId"
          label={t("tags.form.group")}
          rules={kind === "quantile" ? [{ required: true }] : []}
          extra={kind === "quantile" ? t("tags.form.quantileGroup") : undefined}
        >
          <Select
            allowClear={kind !== "quantile"}
            disabled={editing?.kind === "quantile"}
            placeholder={t("tags.form.noGroup")}
            options={props.groups.filter((g) => kind !== "quantile" || g.exclusive).map((g) => ({ value: g.id, label: g.name }))}
          />
        </Form.Item>
        <Form.Item name="color" label={t("tags.form.color")}>
          <ColorPicker format="hex" allowClear />
        </Form.Item>

        {kind === "rule" ? (
          editing && !simpleRule ? (
            <Alert type="info" message={t("tags.form.ruleAdvanced")} />
          ) : (
            <>
              <Typography.Paragraph type="secondary">{t("tags.form.ruleHelp")}</Typography.Paragraph>
              <Form.Item name="event" label={t("tags.form.event")} rules={[{ required: true, max: 200 }]}>
                <Input placeholder="Product Viewed" />
              </Form.Item>
              <Space align="start" wrap>
                <Form.Item name="property" label={t("tags.form.property")}>
                  <Input placeholder="ip" />
                </Form.Item>
                <Form.Item name="value" label={t("tags.form.value")}>
                  <Input placeholder="Molly" />
                </Form.Item>
                <Form.Item name="minCount" label={t("tags.form.minCount")} rules={[{ required: true }]}>
                  <InputNumber min={1} precision={0} />
                </Form.Item>
                <Form.Item name="days" label={t("tags.form.days")} rules={[{ required: true }]}>
                  <InputNumber min={1} max={3650} precision={0} />
                </Form.Item>
              </Space>
            </>
          )
        ) : null}

        {kind === "quantile" ? (
          <>
            <Space align="start" wrap>
              <Form.Item name="metric" label={t("tags.form.metric")} rules={[{ required: true }]}>
                <Select style={{ minWidth: 180 }} options={METRICS.map((m) => ({ value: m, label: t(`tags.form.metric.${m}`) }))} />
              </Form.Item>
              {metric === "event_count" ? (
                <Form.Item name="metricEvent" label={t("tags.form.metricEvent")}>
                  <Input />
                </Form.Item>
              ) : null}
              <Form.Item name="windowDays" label={t("tags.form.windowDays")}>
                <InputNumber min={1} max={3650} precision={0} />
              </Form.Item>
            </Space>
            <div>
              <Typography.Text strong>{t("tags.form.levels")}</Typography.Text>
            </div>
            <Typography.Paragraph type="secondary">{t("tags.form.rest")}</Typography.Paragraph>
            <Form.List name="levels">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((field) => (
                    <Space key={field.key} align="baseline" style={{ display: "flex" }}>
                      <Form.Item name={[field.name, "tagName"]} rules={[{ required: true, max: 100 }]}>
                        <Input placeholder={t("tags.form.levelName")} />
                      </Form.Item>
                      <Form.Item name={[field.name, "topPercent"]}>
                        <InputNumber min={0.01} max={100} placeholder={t("tags.form.topPercent")} addonAfter="%" />
                      </Form.Item>
                      <MinusCircleOutlined onClick={() => remove(field.name)} />
                    </Space>
                  ))}
                  <div>
                    <Button type="dashed" onClick={() => add({ tagName: "" })} icon={<PlusOutlined />} disabled={fields.length >= 10}>
                      {t("tags.form.addLevel")}
                    </Button>
                  </div>
                </>
              )}
            </Form.List>
          </>
        ) : null}
      </Form>
    </Modal>
  );
}
