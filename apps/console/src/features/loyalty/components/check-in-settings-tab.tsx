import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import { App, Button, Card, Collapse, Flex, Form, Input, InputNumber, Select, Space, Switch } from "antd";
import { ACTIVITY_KINDS } from "@siyu/contracts";
import { QueryErrorResult } from "../../../components/query-error-result";
import { useReportApiError } from "../../../lib/api";
import { useStoredForm } from "../../../lib/forms/use-stored-form";
import { useT, type MessageKey } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useLoyaltySettings, usePutLoyaltySettings } from "../api/loyalty-settings";
import { activitiesToForm, formToActivities, type ActivityFormValues } from "../activity-form-values";

const FILTER_OPS = ["eq", "neq", "in", "not_in", "exists", "gt", "gte", "lt", "lte"] as const;

function CapInput(props: { limit: "dailyLimit" | "monthlyLimit" | "totalLimit"; unit: "dailyUnit" | "monthlyUnit" | "totalUnit"; field: number; label: string; testId: string }) {
  const t = useT();
  return (
    <Form.Item label={props.label} extra={t("loyalty.templates.emptyUnlimited")}>
      <Space.Compact>
        <Form.Item name={[props.field, props.limit]} noStyle>
          <InputNumber<number> min={1} precision={0} style={{ width: 100 }} data-testid={props.testId} />
        </Form.Item>
        <Form.Item name={[props.field, props.unit]} noStyle>
          <Select style={{ width: 110 }} options={(["occurrences", "points"] as const).map((u) => ({ value: u, label: t(`loyalty.checkIns.unit.${u}`) }))} />
        </Form.Item>
      </Space.Compact>
    </Form.Item>
  );
}

function RuleFilters(props: { rule: number; disabled: boolean }) {
  const t = useT();
  return (
    <Form.List name={[props.rule, "filters"]}>
      {(fields, { add, remove }) => (
        <>
          {fields.map((field) => (
            <Space key={field.key} align="baseline" wrap>
              <Form.Item name={[field.name, "property"]} rules={[{ required: true, whitespace: true, message: t("loyalty.validation.required") }]}>
                <Input placeholder={t("loyalty.checkIns.property")} maxLength={200} style={{ width: 180 }} />
              </Form.Item>
              <Form.Item name={[field.name, "op"]}>
                <Select style={{ width: 140 }} options={FILTER_OPS.map((op) => ({ value: op, label: t(`loyalty.checkIns.op.${op}` as MessageKey) }))} />
              </Form.Item>
              <Form.Item name={[field.name, "value"]}>
                <Input placeholder={t("loyalty.checkIns.value")} style={{ width: 220 }} />
              </Form.Item>
              {props.disabled ? null : <MinusCircleOutlined onClick={() => remove(field.name)} />}
            </Space>
          ))}
          {props.disabled ? null : (
            <Button size="small" type="dashed" icon={<PlusOutlined />} onClick={() => add({ property: "", op: "eq", value: "" })}>
              {t("loyalty.checkIns.addFilter")}
            </Button>
          )}
        </>
      )}
    </Form.List>
  );
}

/** Daily check-in rules and activity earn rules (share, review, UGC, task, referral …), saved with the rest of the loyalty settings. */
export function CheckInSettingsTab() {
  const t = useT();
  const { message } = App.useApp();
  const { workspaceId, can } = useCurrentWorkspace();
  const settings = useLoyaltySettings(workspaceId);
  const put = usePutLoyaltySettings(workspaceId);
  const reportError = useReportApiError();
  const [form] = Form.useForm<ActivityFormValues>();
  const disabled = !can("loyalty.manage");

  const fill = useStoredForm(form, settings.data, activitiesToForm);

  if (settings.isError) return <QueryErrorResult error={settings.error} onRetry={() => void settings.refetch()} />;

  const submit = (values: ActivityFormValues) =>
    put.mutate(formToActivities(values, settings.data!), {
      onSuccess: (saved) => {
        fill(saved);
        void message.success(t("common.saved"));
      },
      onError: (error) => reportError(error),
    });

  return (
    <Form<ActivityFormValues> form={form} layout="vertical" requiredMark={false} onFinish={submit} disabled={disabled} data-testid="check-in-settings">
      <Space direction="vertical" size={16} style={{ width: "100%" }}>
        <Card title={t("loyalty.checkIns.dailyTitle")} loading={settings.isLoading}>
          <Space wrap size={24}>
            <Form.Item name="checkInEnabled" label={t("loyalty.checkIns.enabled")} valuePropName="checked">
              <Switch />
            </Form.Item>
            <Form.Item name="basePoints" label={t("loyalty.checkIns.basePoints")}>
              <InputNumber<number> min={0} precision={0} data-testid="check-in-base-points" />
            </Form.Item>
            <Form.Item name="cycleDays" label={t("loyalty.checkIns.cycleDays")} extra={t("loyalty.checkIns.cycleDaysHelp")}>
              <InputNumber<number> min={1} max={366} precision={0} />
            </Form.Item>
            <Form.Item name="checkInEvent" label={t("loyalty.checkIns.event")} extra={t("loyalty.checkIns.eventHelp")}>
              <Input maxLength={200} style={{ width: 200 }} />
            </Form.Item>
            <Form.Item name="makeUpWindowDays" label={t("loyalty.checkIns.makeUpWindow")}>
              <InputNumber<number> min={1} max={366} precision={0} />
            </Form.Item>
            <Form.Item name="makeUpPoints" label={t("loyalty.checkIns.makeUpPoints")}>
              <InputNumber<number> min={0} precision={0} />
            </Form.Item>
          </Space>
          <Form.Item label={t("loyalty.checkIns.bonuses")}>
            <Form.List name="bonuses">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((field) => (
                    <Space key={field.key} align="baseline">
                      <Form.Item name={[field.name, "day"]} rules={[{ required: true, message: t("loyalty.validation.required") }]}>
                        <InputNumber<number> min={1} max={366} precision={0} addonBefore={t("loyalty.checkIns.bonusDay")} />
                      </Form.Item>
                      <Form.Item name={[field.name, "points"]} rules={[{ required: true, message: t("loyalty.validation.required") }]}>
                        <InputNumber<number> min={1} precision={0} addonBefore="+" />
                      </Form.Item>
                      {disabled ? null : <MinusCircleOutlined onClick={() => remove(field.name)} />}
                    </Space>
                  ))}
                  {disabled ? null : (
                    <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ day: 3, points: 10 })}>
                      {t("loyalty.checkIns.addBonus")}
                    </Button>
                  )}
                </>
              )}
            </Form.List>
          </Form.Item>
        </Card>
        <Card title={t("loyalty.checkIns.rulesTitle")} loading={settings.isLoading}>
          <Form.List name="rules">
            {(fields, { add, remove }) => (
              <Space direction="vertical" style={{ width: "100%" }}>
                <Collapse
                  items={fields.map((field) => ({
                    key: field.key,
                    forceRender: true,
                    label: <RuleLabel field={field.name} />,
                    extra: disabled ? null : <MinusCircleOutlined onClick={() => remove(field.name)} />,
                    children: (
                      <div data-testid={`activity-rule-${field.name}`}>
                        <Space wrap size={16}>
                          <Form.Item name={[field.name, "enabled"]} label={t("loyalty.checkIns.enabled")} valuePropName="checked">
                            <Switch data-testid={`activity-rule-enabled-${field.name}`} />
                          </Form.Item>
                          <Form.Item name={[field.name, "code"]} label={t("loyalty.checkIns.code")} rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{0,39}$/, message: t("loyalty.checkIns.codeRule") }]}>
                            <Input style={{ width: 140 }} />
                          </Form.Item>
                          <Form.Item name={[field.name, "name"]} label={t("loyalty.templates.name")} rules={[{ required: true, whitespace: true, message: t("loyalty.validation.required") }]}>
                            <Input maxLength={100} style={{ width: 180 }} />
                          </Form.Item>
                          <Form.Item name={[field.name, "kind"]} label={t("loyalty.templates.kind")}>
                            <Select style={{ width: 130 }} options={ACTIVITY_KINDS.map((k) => ({ value: k, label: t(`loyalty.checkIns.kind.${k}` as MessageKey) }))} />
                          </Form.Item>
                          <Form.Item name={[field.name, "event"]} label={t("loyalty.checkIns.ruleEvent")} rules={[{ required: true, whitespace: true, message: t("loyalty.validation.required") }]}>
                            <Input maxLength={200} style={{ width: 200 }} data-testid={`activity-rule-event-${field.name}`} />
                          </Form.Item>
                          <Form.Item name={[field.name, "points"]} label={t("loyalty.checkIns.points")} rules={[{ required: true, message: t("loyalty.validation.required") }]}>
                            <InputNumber<number> min={1} precision={0} data-testid={`activity-rule-points-${field.name}`} />
                          </Form.Item>
                        </Space>
                        <Space wrap size={16}>
                          <CapInput field={field.name} limit="dailyLimit" unit="dailyUnit" label={t("loyalty.checkIns.capDaily")} testId={`activity-rule-daily-${field.name}`} />
                          <CapInput field={field.name} limit="monthlyLimit" unit="monthlyUnit" label={t("loyalty.checkIns.capMonthly")} testId={`activity-rule-monthly-${field.name}`} />
                          <CapInput field={field.name} limit="totalLimit" unit="totalUnit" label={t("loyalty.checkIns.capTotal")} testId={`activity-rule-total-${field.name}`} />
                        </Space>
                        <Form.Item label={t("loyalty.checkIns.filters")} extra={t("loyalty.checkIns.filtersHelp")}>
                          <RuleFilters rule={field.name} disabled={disabled} />
                        </Form.Item>
                      </div>
                    ),
                  }))}
                />
                {disabled ? null : (
                  <Button
                    type="dashed"
                    icon={<PlusOutlined />}
                    onClick={() =>
                      add({ code: "", name: "", kind: "custom", enabled: true, event: "", points: 5, filters: [], dailyLimit: null, dailyUnit: "occurrences", monthlyLimit: null, monthlyUnit: "occurrences", totalLimit: null, totalUnit: "occurrences" })
                    }
                  >
                    {t("loyalty.checkIns.addRule")}
                  </Button>
                )}
              </Space>
            )}
          </Form.List>
        </Card>
        {disabled ? null : (
          <Flex justify="flex-end">
            <Button type="primary" htmlType="submit" loading={put.isPending} disabled={!settings.data} data-testid="check-in-settings-save">
              {t("common.save")}
            </Button>
          </Flex>
        )}
      </Space>
    </Form>
  );
}

function RuleLabel(props: { field: number }) {
  const t = useT();
  const rule = Form.useWatch(["rules", props.field]) as ActivityFormValues["rules"][number] | undefined;
  if (!rule) return null;
  return (
    <span>
      {rule.name || rule.code} · {rule.event} · +{rule.points ?? 0}
      {rule.enabled ? "" : ` (${t("loyalty.checkIns.off")})`}
    </span>
  );
}
