import { ALERT_SEVERITIES, AlertRuleBody, type AlertRuleDto, type AlertRuleInput } from "@siyu/contracts";
import { Alert, App, Button, Col, Drawer, Flex, Form, Input, InputNumber, Row, Select, Switch, Typography } from "antd";
import { useEffect, useState } from "react";
import { CopyButton } from "../../../components/copy-button";
import { readValidationIssues, useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { useSaveAlertRule } from "../api/alerts";
import {
  CONDITION_KINDS,
  EMPTY_RULE_FORM,
  METRIC_KINDS,
  formToRule,
  mapRuleIssues,
  needsEvent,
  needsPer,
  needsProperty,
  ruleToForm,
  type RuleFormValues,
} from "../rule-form-values";
import { RulePreview } from "./rule-preview";

const PREVIEW_DEBOUNCE_MS = 400;

/** The form as a rule the server would take, or null while it is not one yet. */
function previewBodyOf(values: RuleFormValues): AlertRuleInput | null {
  const body = formToRule(values);
  return AlertRuleBody.safeParse(body).success ? body : null;
}

/** `rule` undefined: closed; null: create; a rule: edit it. After a save the drawer stays open on the saved rule and shows its webhook secret. */
export function RuleFormDrawer(props: { workspaceId: string; rule: AlertRuleDto | null | undefined; onClose: () => void }) {
  const { workspaceId, onClose } = props;
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<RuleFormValues>();
  const save = useSaveAlertRule(workspaceId);
  const reportError = useReportApiError();
  const open = props.rule !== undefined;
  const [saved, setSaved] = useState<AlertRuleDto | null>(null);
  const editing = saved ?? props.rule ?? null;
  const [draft, setDraft] = useState<RuleFormValues>(EMPTY_RULE_FORM);
  const [previewBody, setPreviewBody] = useState<AlertRuleInput | null>(null);

  useEffect(() => {
    if (!open) return;
    setSaved(null);
    const initial = props.rule ? ruleToForm(props.rule) : EMPTY_RULE_FORM;
    form.resetFields();
    form.setFieldsValue(initial);
    setDraft(initial);
    setPreviewBody(previewBodyOf(initial));
  }, [open, props.rule, form]);

  useEffect(() => {
    const timer = window.setTimeout(() => setPreviewBody(previewBodyOf(draft)), PREVIEW_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [draft]);

  const metricKind = draft.metricKind;
  const conditionKind = draft.conditionKind;

  const onValuesChange = (changed: Partial<RuleFormValues>) => {
    // A server error on a field holds until the field is edited.
    form.setFields(Object.keys(changed).map((name) => ({ name: name as keyof RuleFormValues, errors: [] })));
    // A threshold is above or below; "either side" belongs to the band.
    if (changed.conditionKind === "threshold" && form.getFieldValue("direction") === "either") form.setFieldValue("direction", "above");
    setDraft({ ...form.getFieldsValue(true) });
  };

  const submit = () => {
    const body = formToRule(form.getFieldsValue(true));
    save.mutate(
      { ruleId: editing?.id ?? null, body },
      {
        onSuccess: (rule) => {
          void message.success(t("common.saved"));
          setSaved(rule);
        },
        onError: (error) => {
          const issues = readValidationIssues(error);
          if (issues.length === 0) return reportError(error);
          const { fieldErrors, otherMessages } = mapRuleIssues(issues);
          form.setFields(fieldErrors);
          for (const text of otherMessages) void message.error(text);
        },
      },
    );
  };

  const directions = conditionKind === "band" ? (["above", "below", "either"] as const) : (["above", "below"] as const);

  return (
    <Drawer
      open={open}
      onClose={onClose}
      width={760}
      title={editing ? t("alerts.form.editTitle", { name: editing.name }) : t("alerts.form.createTitle")}
      destroyOnHidden
      extra={
        <Flex gap={8}>
          <Button onClick={onClose} data-testid="alert-rule-close">{t("common.cancel")}</Button>
          <Button type="primary" loading={save.isPending} onClick={() => form.submit()} data-testid="alert-rule-save">
            {t("common.save")}
          </Button>
        </Flex>
      }
    >
      {saved ? <Alert type="success" showIcon message={t("alerts.savedRule")} style={{ marginBottom: 12 }} data-testid="alert-rule-saved" /> : null}
      {editing?.webhookSecret ? (
        <Flex vertical gap={4} style={{ marginBottom: 16 }}>
          <Typography.Text strong>{t("alerts.secret")}</Typography.Text>
          <Flex gap={8}>
            <Input readOnly value={editing.webhookSecret} data-testid="alert-rule-secret" />
            <CopyButton text={editing.webhookSecret} testId="alert-rule-secret-copy" />
          </Flex>
          <Typography.Text type="secondary">{t("alerts.secretHelp")}</Typography.Text>
        </Flex>
      ) : null}
      <Form<RuleFormValues> form={form} layout="vertical" requiredMark={false} onFinish={submit} onValuesChange={onValuesChange} initialValues={EMPTY_RULE_FORM} data-testid="alert-rule-form">
        <Form.Item name="name" label={t("alerts.field.name")}>
          <Input maxLength={200} data-testid="alert-rule-name" />
        </Form.Item>
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item name="metricKind" label={t("alerts.field.metricKind")}>
              <Select options={METRIC_KINDS.map((k) => ({ value: k, label: t(`alerts.metric.${k}`) }))} data-testid="alert-rule-metric" />
            </Form.Item>
          </Col>
          {needsEvent(metricKind) ? (
            <Col span={needsPer(metricKind) || needsProperty(metricKind) ? 8 : 16}>
              <Form.Item name="event" label={t("alerts.field.event")}>
                <Input maxLength={200} data-testid="alert-rule-event" />
              </Form.Item>
            </Col>
          ) : null}
          {needsPer(metricKind) ? (
            <Col span={8}>
              <Form.Item name="per" label={t("alerts.field.per")}>
                <Input maxLength={200} data-testid="alert-rule-per" />
              </Form.Item>
            </Col>
          ) : null}
          {needsProperty(metricKind) ? (
            <Col span={8}>
              <Form.Item name="property" label={t("alerts.field.property")}>
                <Input maxLength={200} data-testid="alert-rule-property" />
              </Form.Item>
            </Col>
          ) : null}
        </Row>
        <Row gutter={12}>
          <Col span={6}>
            <Form.Item name="granularity" label={t("alerts.field.granularity")}>
              <Select options={(["day", "week"] as const).map((g) => ({ value: g, label: t(`alerts.granularity.${g}`) }))} data-testid="alert-rule-granularity" />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="conditionKind" label={t("alerts.field.conditionKind")}>
              <Select options={CONDITION_KINDS.map((k) => ({ value: k, label: t(`alerts.condition.${k}`) }))} data-testid="alert-rule-condition" />
            </Form.Item>
          </Col>
          {conditionKind === "threshold" || conditionKind === "band" ? (
            <Col span={6}>
              <Form.Item name="direction" label={t("alerts.field.direction")}>
                <Select options={directions.map((d) => ({ value: d, label: t(`alerts.direction.${d}`) }))} data-testid="alert-rule-direction" />
              </Form.Item>
            </Col>
          ) : null}
          {conditionKind === "threshold" ? (
            <Col span={6}>
              <Form.Item name="value" label={t("alerts.field.value")} tooltip={t("alerts.field.valueHelp")}>
                <InputNumber style={{ width: "100%" }} data-testid="alert-rule-value" />
              </Form.Item>
            </Col>
          ) : null}
          {conditionKind === "band" ? (
            <Col span={6}>
              <Form.Item name="k" label={t("alerts.field.k")}>
                <InputNumber min={0.1} max={10} step={0.5} style={{ width: "100%" }} data-testid="alert-rule-k" />
              </Form.Item>
            </Col>
          ) : null}
          {conditionKind === "change" ? (
            <Col span={6}>
              <Form.Item name="percent" label={t("alerts.field.percent")} tooltip={t("alerts.field.percentHelp")}>
                <InputNumber style={{ width: "100%" }} data-testid="alert-rule-percent" />
              </Form.Item>
            </Col>
          ) : null}
          {conditionKind === "forecast" ? (
            <Col span={6}>
              <Form.Item name="factor" label={t("alerts.field.factor")}>
                <InputNumber min={0.1} max={100} step={0.1} style={{ width: "100%" }} data-testid="alert-rule-factor" />
              </Form.Item>
            </Col>
          ) : null}
          {conditionKind === "band" || conditionKind === "forecast" ? (
            <Col span={6}>
              <Form.Item name="window" label={t("alerts.field.window")}>
                <InputNumber min={1} max={366} precision={0} style={{ width: "100%" }} data-testid="alert-rule-window" />
              </Form.Item>
            </Col>
          ) : null}
        </Row>
        <Row gutter={12}>
          <Col span={6}>
            <Form.Item name="consecutive" label={t("alerts.field.consecutive")}>
              <InputNumber min={1} max={52} precision={0} style={{ width: "100%" }} data-testid="alert-rule-consecutive" />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="severity" label={t("alerts.field.severity")}>
              <Select options={ALERT_SEVERITIES.map((s) => ({ value: s, label: t(`common.alertSeverity.${s}`) }))} data-testid="alert-rule-severity" />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="enabled" label={t("alerts.field.enabled")} valuePropName="checked">
              <Switch data-testid="alert-rule-enabled" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="webhookUrl" label={t("alerts.field.webhookUrl")} extra={t("alerts.field.webhookUrlHelp")}>
          <Input maxLength={2000} placeholder="https://" data-testid="alert-rule-webhook" />
        </Form.Item>
        <Form.Item name="plan" label={t("alerts.field.plan")} extra={t("alerts.field.planHelp")}>
          <Input.TextArea maxLength={2000} autoSize={{ minRows: 2, maxRows: 5 }} data-testid="alert-rule-plan" />
        </Form.Item>
      </Form>
      <RulePreview body={previewBody} />
    </Drawer>
  );
}
