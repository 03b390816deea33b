import { MinusCircleOutlined, PlusOutlined, ReloadOutlined } from "@ant-design/icons";
import { App, Button, Card, Checkbox, Flex, Form, Input, InputNumber, Radio, Select, Space, Switch, Table } from "antd";
import { useRef } from "react";
import { QueryErrorResult } from "../../../components/query-error-result";
import { useReportApiError } from "../../../lib/api";
import { useStoredForm } from "../../../lib/forms/use-stored-form";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useCouponTemplates } from "../api/coupon-templates";
import { useLoyaltySettings, usePutLoyaltySettings, useRecalculateTiers } from "../api/loyalty-settings";
import { formToTiers, nextLevel, tierFieldErrors, tiersToForm, type TierFormValues } from "../tier-form-values";

/** The tier rules: the levels table with their benefits, growth, window, grace, the inactivity rule and the birthday gift. */
export function TierSettingsTab() {
  const t = useT();
  const { message } = App.useApp();
  const { workspaceId, can } = useCurrentWorkspace();
  const settings = useLoyaltySettings(workspaceId);
  const templates = useCouponTemplates(workspaceId);
  const put = usePutLoyaltySettings(workspaceId);
  const recalculate = useRecalculateTiers(workspaceId);
  const reportError = useReportApiError();
  const [form] = Form.useForm<TierFormValues>();
  const window = Form.useWatch("window", form);
  const disabled = !can("loyalty.manage");
  // The fields the server's last refusal marked, cleared on the next save.
  const marked = useRef<(string | number)[][]>([]);

  const fill = useStoredForm(form, settings.data, tiersToForm);

  if (settings.isError) return <QueryErrorResult error={settings.error} onRetry={() => void settings.refetch()} />;

  const submit = (values: TierFormValues) => {
    form.setFields(marked.current.map((name) => ({ name, errors: [] as string[] })) as unknown as Parameters<typeof form.setFields>[0]);
    marked.current = [];
    put.mutate(formToTiers(values, settings.data!), {
      onSuccess: (saved) => {
        fill(saved);
        void message.success(t("common.saved"));
      },
      onError: (error) => {
        const { fieldErrors, otherMessages } = tierFieldErrors(error);
        if (fieldErrors.length === 0 && otherMessages.length === 0) return reportError(error);
        form.setFields(fieldErrors as Parameters<typeof form.setFields>[0]);
        marked.current = fieldErrors.map((f) => f.name);
        for (const text of otherMessages) void message.error(text);
      },
    });
  };

  const giftOptions = (templates.data?.items ?? []).map((tpl) => ({ value: tpl.id, label: tpl.name }));

  return (
    <Form<TierFormValues> form={form} layout="vertical" requiredMark={false} onFinish={submit} disabled={disabled} data-testid="tier-settings">
      <Space direction="vertical" size={16} style={{ width: "100%" }}>
        <Card
          title={t("loyalty.tiers.levels")}
          loading={settings.isLoading}
          extra={
            <Form.Item name="enabled" valuePropName="checked" noStyle>
              <Switch checkedChildren={t("loyalty.tiers.enabled")} unCheckedChildren={t("loyalty.tiers.disabled")} />
            </Form.Item>
          }
        >
          <Form.List name="levels">
            {(fields, { add, remove }) => (
              <>
                <Table
                  rowKey="key"
                  size="small"
                  pagination={false}
                  dataSource={fields}
                  scroll={{ x: true }}
                  data-testid="tier-levels"
                  columns={[
                    {
                      title: t("loyalty.tiers.code"),
                      key: "code",
                      render: (_: unknown, field) => (
                        <Form.Item name={[field.name, "code"]} style={{ margin: 0 }} rules={[{ required: true, message: t("loyalty.validation.required") }]}>
                          <Input maxLength={40} style={{ width: 110 }} data-testid={`tier-code-${field.name}`} />
                        </Form.Item>
                      ),
                    },
                    {
                      title: t("loyalty.tiers.name"),
                      key: "name",
                      render: (_: unknown, field) => (
                        <Form.Item name={[field.name, "name"]} style={{ margin: 0 }} rules={[{ required: true, whitespace: true, message: t("loyalty.validation.required") }]}>
                          <Input maxLength={50} style={{ width: 150 }} />
                        </Form.Item>
                      ),
                    },
                    {
                      title: t("loyalty.tiers.threshold"),
                      key: "threshold",
                      render: (_: unknown, field) => (
                        <Form.Item name={[field.name, "threshold"]} style={{ margin: 0 }} rules={[{ required: true, message: t("loyalty.validation.required") }]}>
                          <InputNumber<number> min={0} precision={0} style={{ width: 120 }} data-testid={`tier-threshold-${field.name}`} />
                        </Form.Item>
                      ),
                    },
                    {
                      title: t("loyalty.tiers.multiplier"),
                      key: "pointsMultiplier",
                      render: (_: unknown, field) => (
                        <Form.Item name={[field.name, "pointsMultiplier"]} style={{ margin: 0 }}>
                          <InputNumber<number> min={0} max={100} step={0.1} addonBefore="×" style={{ width: 110 }} />
                        </Form.Item>
                      ),
                    },
                    ...(["freeShipping", "priorityPurchase", "exclusiveService"] as const).map((flag) => ({
                      title: t(`loyalty.tiers.${flag}`),
                      key: flag,
                      render: (_: unknown, field: { name: number }) => (
                        <Form.Item name={[field.name, flag]} valuePropName="checked" style={{ margin: 0 }}>
                          <Checkbox />
                        </Form.Item>
                      ),
                    })),
                    {
                      title: t("loyalty.tiers.birthdayGift"),
                      key: "birthdayGiftTemplateId",
                      render: (_: unknown, field) => (
                        <Form.Item name={[field.name, "birthdayGiftTemplateId"]} style={{ margin: 0 }}>
                          <Select allowClear placeholder={t("loyalty.tiers.noGift")} options={giftOptions} style={{ width: 180 }} />
                        </Form.Item>
                      ),
                    },
                    {
                      title: "",
                      key: "remove",
                      render: (_: unknown, field) => (fields.length > 1 && !disabled ? <MinusCircleOutlined onClick={() => remove(field.name)} /> : null),
                    },
                  ]}
                />
                {disabled ? null : (
                  <Button type="dashed" icon={<PlusOutlined />} style={{ marginTop: 8 }} onClick={() => add(nextLevel(form.getFieldValue("levels") ?? []))}>
                    {t("loyalty.tiers.addLevel")}
                  </Button>
                )}
              </>
            )}
          </Form.List>
        </Card>
        <Card title={t("loyalty.tiers.rules")} loading={settings.isLoading}>
          <Space wrap size={24}>
            <Form.Item name="growthPerCurrencyUnit" label={t("loyalty.tiers.growthPerCurrencyUnit")}>
              <InputNumber<number> min={0} max={10000} data-testid="tier-growth" />
            </Form.Item>
            <Form.Item name="downgradeGraceDays" label={t(window === "calendar_year" ? "loyalty.tiers.graceCalendar" : "loyalty.tiers.grace")}>
              <InputNumber<number> min={0} max={365} precision={0} />
            </Form.Item>
          </Space>
          <Form.Item name="window" label={t("loyalty.tiers.window")}>
            <Radio.Group options={(["rolling_12_months", "calendar_year"] as const).map((w) => ({ value: w, label: t(`loyalty.tiers.window.${w}`) }))} />
          </Form.Item>
          <Space wrap size={24} align="end">
            <Form.Item name="inactivityEnabled" label={t("loyalty.tiers.inactivity")} valuePropName="checked">
              <Switch />
            </Form.Item>
            <Form.Item name="inactivityMinOrders" label={t("loyalty.tiers.inactivityMinOrders")}>
              <InputNumber<number> min={1} max={100} precision={0} />
            </Form.Item>
            <Form.Item name="inactivityDays" label={t("loyalty.tiers.inactivityDays")}>
              <InputNumber<number> min={1} max={365} precision={0} />
            </Form.Item>
          </Space>
          <Space wrap size={24}>
            <Form.Item name="birthdayGiftOn" label={t("loyalty.tiers.birthdayGiftOn")}>
              <Radio.Group optionType="button" options={(["birthday", "month_start"] as const).map((o) => ({ value: o, label: t(`loyalty.tiers.birthdayGiftOn.${o}`) }))} />
            </Form.Item>
            <Form.Item name="birthdayGiftDaysBefore" label={t("loyalty.tiers.birthdayGiftDaysBefore")}>
              <InputNumber<number> min={0} max={60} precision={0} />
            </Form.Item>
          </Space>
        </Card>
        {disabled ? null : (
          <Flex justify="flex-end" gap={8}>
            <Button
              icon={<ReloadOutlined />}
              loading={recalculate.isPending}
              onClick={() =>
                recalculate.mutate(undefined, {
                  onSuccess: (r) => void message.info(t("loyalty.tiers.recalculated", { changed: r.changed })),
                  onError: (e) => reportError(e),
                })
              }
              data-testid="tier-recalculate"
            >
              {t("loyalty.tiers.recalculate")}
            </Button>
            <Button type="primary" htmlType="submit" loading={put.isPending} disabled={!settings.data} data-testid="tier-settings-save">
              {t("common.save")}
            </Button>
          </Flex>
        )}
      </Space>
    </Form>
  );
}
