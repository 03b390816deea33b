import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import { App, Button, Card, Checkbox, Flex, Form, Input, InputNumber, Radio, Select, Space, Switch } from "antd";
import { QueryErrorResult } from "../../../components/query-error-result";
import { useReportApiError } from "../../../lib/api";
import { useStoredForm } from "../../../lib/forms/use-stored-form";
import { useT, type MessageKey } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useLoyaltySettings, usePutLoyaltySettings } from "../api/loyalty-settings";
import { formToSettings, settingsToForm, type SettingsFormValues } from "../settings-form-values";

function MultiplierList(props: { name: "stores" | "categories"; keyLabel: string; disabled: boolean }) {
  const t = useT();
  return (
    <Form.List name={props.name}>
      {(fields, { add, remove }) => (
        <>
          {fields.map((field) => (
            <Space key={field.key} align="baseline">
              <Form.Item name={[field.name, "key"]} rules={[{ required: true, whitespace: true, message: t("loyalty.validation.required") }]}>
                <Input placeholder={props.keyLabel} maxLength={200} disabled={props.disabled} />
              </Form.Item>
              <Form.Item name={[field.name, "multiplier"]} rules={[{ required: true, message: t("loyalty.validation.required") }]}>
                <InputNumber<number> min={0} max={100} step={0.5} addonBefore="×" disabled={props.disabled} />
              </Form.Item>
              {props.disabled ? null : <MinusCircleOutlined onClick={() => remove(field.name)} />}
            </Space>
          ))}
          {props.disabled ? null : (
            <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ key: "", multiplier: 2 })}>
              {t("loyalty.settings.addMultiplier")}
            </Button>
          )}
        </>
      )}
    </Form.List>
  );
}

export function LoyaltySettingsTab() {
  const t = useT();
  const { message } = App.useApp();
  const { workspaceId, can } = useCurrentWorkspace();
  const settings = useLoyaltySettings(workspaceId);
  const put = usePutLoyaltySettings(workspaceId);
  const reportError = useReportApiError();
  const [form] = Form.useForm<SettingsFormValues>();
  const mode = Form.useWatch("expiryMode", form);
  const disabled = !can("loyalty.manage");

  const fill = useStoredForm(form, settings.data, settingsToForm);

  if (settings.isError) return <QueryErrorResult error={settings.error} onRetry={() => void settings.refetch()} />;

  const submit = (values: SettingsFormValues) =>
    put.mutate(formToSettings(values, settings.data!), {
      onSuccess: (saved) => {
        fill(saved);
        void message.success(t("common.saved"));
      },
      onError: (error) => reportError(error),
    });

  return (
    <Form<SettingsFormValues> form={form} layout="vertical" requiredMark={false} onFinish={submit} disabled={disabled} data-testid="loyalty-settings">
      <Space direction="vertical" size={16} style={{ width: "100%" }}>
        <Card title={t("loyalty.settings.points")} loading={settings.isLoading}>
          <Space wrap size={24}>
            <Form.Item name="perCurrencyUnit" label={t("loyalty.settings.perCurrencyUnit")}>
              <InputNumber<number> min={0} max={10000} data-testid="settings-per-unit" />
            </Form.Item>
            <Form.Item name="pendingDays" label={t("loyalty.settings.pendingDays")}>
              <InputNumber<number> min={0} max={365} precision={0} />
            </Form.Item>
            <Form.Item name="allowNegative" label={t("loyalty.settings.allowNegative")} valuePropName="checked">
              <Switch />
            </Form.Item>
          </Space>
          <Form.Item name="expiryMode" label={t("loyalty.settings.expiry")}>
            <Radio.Group
              optionType="button"
              options={(["rolling", "fixed", "never"] as const).map((m) => ({ value: m, label: t(`loyalty.settings.expiry.${m}`) }))}
            />
          </Form.Item>
          {mode === "rolling" ? (
            <Form.Item name="months" label={t("loyalty.settings.months")}>
              <InputNumber<number> min={1} max={120} precision={0} />
            </Form.Item>
          ) : null}
          {mode === "fixed" ? (
            <Space wrap>
              <Form.Item name="yearsAfter" label={t("loyalty.settings.yearsAfter")}>
                <InputNumber<number> min={0} max={10} precision={0} />
              </Form.Item>
              <Form.Item name="month" label={t("loyalty.settings.month")}>
                <InputNumber<number> min={1} max={12} precision={0} />
              </Form.Item>
              <Form.Item name="day" label={t("loyalty.settings.day")}>
                <InputNumber<number> min={1} max={31} precision={0} />
              </Form.Item>
            </Space>
          ) : null}
        </Card>
        <Card title={t("loyalty.settings.earn")} loading={settings.isLoading}>
          <Form.Item label={t("loyalty.settings.storeMultipliers")}>
            <MultiplierList name="stores" keyLabel={t("loyalty.settings.storeId")} disabled={disabled} />
          </Form.Item>
          <Form.Item label={t("loyalty.settings.categoryMultipliers")}>
            <MultiplierList name="categories" keyLabel={t("loyalty.settings.category")} disabled={disabled} />
          </Form.Item>
          <Space wrap size={24}>
            <Form.Item name="birthdayMonthMultiplier" label={t("loyalty.settings.birthday")}>
              <InputNumber<number> min={0} max={100} step={0.5} addonBefore="×" />
            </Form.Item>
            <Form.Item name="memberDayMultiplier" label={t("loyalty.settings.memberDay")}>
              <InputNumber<number> min={0} max={100} step={0.5} addonBefore="×" />
            </Form.Item>
            <Form.Item name="dailyCapPerMember" label={t("loyalty.settings.dailyCap")} extra={t("loyalty.templates.emptyUnlimited")}>
              <InputNumber<number> min={1} precision={0} />
            </Form.Item>
          </Space>
          <Form.Item name="weekdays" label={t("loyalty.settings.weekdays")}>
            <Checkbox.Group options={[1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: d, label: t(`loyalty.weekday.${d}` as MessageKey) }))} />
          </Form.Item>
          <Form.Item name="daysOfMonth" label={t("loyalty.settings.daysOfMonth")}>
            <Select mode="multiple" options={Array.from({ length: 31 }, (_, i) => ({ value: i + 1, label: String(i + 1) }))} style={{ maxWidth: 480 }} />
          </Form.Item>
          <Form.Item name="stacking" label={t("loyalty.settings.stacking")}>
            <Radio.Group options={(["highest", "multiply"] as const).map((s) => ({ value: s, label: t(`loyalty.settings.stacking.${s}`) }))} />
          </Form.Item>
        </Card>
        {disabled ? null : (
          <Flex justify="flex-end">
            <Button type="primary" htmlType="submit" loading={put.isPending} disabled={!settings.data} data-testid="loyalty-settings-save">
              {t("common.save")}
            </Button>
          </Flex>
        )}
      </Space>
    </Form>
  );
}
