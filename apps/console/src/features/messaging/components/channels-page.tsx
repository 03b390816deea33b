import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { CHANNELS, type Channel, type MessagingSettings } from "@siyu/contracts";
import { Alert, App, Button, Card, Col, Flex, Form, Input, InputNumber, Row, Select, Skeleton, Switch, TimePicker, Typography } from "antd";
import type { FormInstance } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useMemo } from "react";
import { PageHeader } from "../../../components/page-header";
import { QueryErrorResult } from "../../../components/query-error-result";
import { readValidationIssues, useReportApiError } from "../../../lib/api";
import { useStoredForm } from "../../../lib/forms/use-stored-form";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useMessagingCallbacks, useMessagingSettings, useSaveMessagingSettings } from "../api/messaging-api";
import {
  SMS_PROVIDERS,
  configKeysFor,
  formToSettings,
  hasStoredSecret,
  mapSettingsIssues,
  settingsToForm,
  smsProviderOf,
  type SettingsFormValues,
  type StoredSecrets,
} from "../settings-form";
import { changedPaths } from "../template-form";
import { MessagingTabs } from "./messaging-tabs";
import { SuppressionsCard } from "./suppressions-card";

type LooseForm = FormInstance<SettingsFormValues> & { setFields: (fields: { name: string | (string | number)[]; errors: string[] }[]) => void };

/** "HH:MM" in the form, a Dayjs in the picker. */
function timeValueProps(value: unknown): { value: Dayjs | null } {
  const match = typeof value === "string" ? /^(\d{2}):(\d{2})$/.exec(value) : null;
  return { value: match ? dayjs().hour(Number(match[1])).minute(Number(match[2])).second(0) : null };
}
const normalizeTime = (value: Dayjs | null) => (value ? value.format("HH:mm") : "");

export function ChannelsPage() {
  const t = useT();
  const { workspaceId, can } = useCurrentWorkspace();
  const settings = useMessagingSettings(workspaceId);
  return (
    <>
      <MessagingTabs active="channels" />
      <PageHeader title={t("messaging.channels.title")} description={t("messaging.channels.description")} />
      {settings.isError ? (
        <QueryErrorResult error={settings.error} onRetry={() => void settings.refetch()} />
      ) : settings.data ? (
        <SettingsForm workspaceId={workspaceId} settings={settings.data} canManage={can("journeys.manage")} />
      ) : (
        <Card>
          <Skeleton active paragraph={{ rows: 8 }} />
        </Card>
      )}
      <div style={{ marginTop: 16 }}>
        <SuppressionsCard workspaceId={workspaceId} canManage={can("journeys.manage")} />
      </div>
    </>
  );
}

function SettingsForm(props: { workspaceId: string; settings: MessagingSettings; canManage: boolean }) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<SettingsFormValues>();
  const save = useSaveMessagingSettings(props.workspaceId);
  const reportError = useReportApiError();
  // The secrets stored now (the server sends a mark, never the value): a field left empty keeps its own.
  const secrets = useMemo<StoredSecrets>(() => settingsToForm(props.settings).secrets, [props.settings]);
  const targeted = Form.useWatch("targetedPerDay", form) as number | null | undefined;
  const general = Form.useWatch("generalPerDay", form) as number | null | undefined;

  const fill = useStoredForm(form, props.settings, (stored) => settingsToForm(stored).form);

  const submit = () => {
    const body = formToSettings(form.getFieldsValue(true), secrets);
    save.mutate(body, {
      onSuccess: (saved) => {
        fill(saved);
        void message.success(t("common.saved"));
      },
      onError: (error) => {
        const issues = readValidationIssues(error);
        if (issues.length === 0) return reportError(error);
        const mapped = mapSettingsIssues(issues);
        (form as LooseForm).setFields(mapped.fieldErrors);
        for (const text of mapped.otherMessages) void message.error(text);
      },
    });
  };

  return (
    <Form<SettingsFormValues>
      form={form}
      layout="vertical"
      requiredMark={false}
      disabled={!props.canManage}
      onFinish={submit}
      // A server error on a field holds until the field is edited.
      onValuesChange={(changed: Partial<SettingsFormValues>) => (form as LooseForm).setFields(changedPaths(changed).map((name) => ({ name, errors: [] })))}
      data-testid="messaging-settings-form"
    >
      <Card
        title={t("messaging.guards.title")}
        extra={
          props.canManage ? (
            <Button type="primary" loading={save.isPending} onClick={() => form.submit()} data-testid="messaging-settings-save">
              {t("messaging.channels.save")}
            </Button>
          ) : null
        }
        style={{ marginBottom: 16 }}
      >
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          message={t("messaging.guards.rule")}
          description={t("messaging.guards.ruleHelp", { targeted: targeted ?? "—", general: general ?? "—" })}
          data-testid="messaging-rule-help"
        />
        <Row gutter={16}>
          <Col xs={12} md={6}>
            <Form.Item name="targetedPerDay" label={t("messaging.guards.targetedPerDay")}>
              <InputNumber min={0} max={100} precision={0} style={{ width: "100%" }} data-testid="messaging-targeted-per-day" />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item name="generalPerDay" label={t("messaging.guards.generalPerDay")}>
              <InputNumber min={0} max={100} precision={0} style={{ width: "100%" }} data-testid="messaging-general-per-day" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item label={t("messaging.guards.quietHours")} tooltip={t("messaging.guards.quietHoursHelp")} style={{ marginBottom: 0 }}>
              <Flex gap={8} align="start" wrap>
                <Form.Item name="quietEnabled" valuePropName="checked">
                  <Switch data-testid="messaging-quiet-enabled" />
                </Form.Item>
                <Form.Item name="quietStart" getValueProps={timeValueProps} normalize={normalizeTime}>
                  <TimePicker format="HH:mm" allowClear={false} placeholder={t("messaging.guards.quietStart")} data-testid="messaging-quiet-start" />
                </Form.Item>
                <Typography.Text style={{ lineHeight: "32px" }}>–</Typography.Text>
                <Form.Item name="quietEnd" getValueProps={timeValueProps} normalize={normalizeTime}>
                  <TimePicker format="HH:mm" allowClear={false} placeholder={t("messaging.guards.quietEnd")} data-testid="messaging-quiet-end" />
                </Form.Item>
              </Flex>
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="smsUnsubscribeText" label={t("messaging.guards.smsUnsubscribeText")} extra={t("messaging.guards.smsUnsubscribeTextHelp")}>
              <Input maxLength={100} data-testid="messaging-sms-unsubscribe-text" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="unsubscribeKeywords" label={t("messaging.guards.unsubscribeKeywords")} extra={t("messaging.guards.unsubscribeKeywordsHelp")}>
              <Select mode="tags" open={false} tokenSeparators={[",", "，", " "]} maxCount={20} data-testid="messaging-unsubscribe-keywords" />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item name="maxAttempts" label={t("messaging.guards.maxAttempts")}>
              <InputNumber min={1} max={20} precision={0} style={{ width: "100%" }} data-testid="messaging-max-attempts" />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item name="retryBaseSeconds" label={t("messaging.guards.retryBaseSeconds")} tooltip={t("messaging.guards.retryBaseSecondsHelp")}>
              <InputNumber min={1} max={3600} precision={0} style={{ width: "100%" }} data-testid="messaging-retry-base-seconds" />
            </Form.Item>
          </Col>
          <Col xs={24} md={4}>
            <Form.Item name="dryRun" label={t("messaging.guards.dryRun")} tooltip={t("messaging.guards.dryRunHelp")} valuePropName="checked">
              <Switch data-testid="messaging-dry-run" />
            </Form.Item>
          </Col>
        </Row>
      </Card>
      <Row gutter={[16, 16]}>
        {CHANNELS.map((channel) => (
          <Col key={channel} xs={24} lg={12} xxl={8}>
            <ChannelCard channel={channel} secrets={secrets} workspaceId={props.workspaceId} canManage={props.canManage} />
          </Col>
        ))}
      </Row>
    </Form>
  );
}

function ChannelCard(props: { channel: Channel; secrets: StoredSecrets; workspaceId: string; canManage: boolean }) {
  const t = useT();
  const { channel, secrets } = props;
  const form = Form.useFormInstance<SettingsFormValues>();
  const providerValue = Form.useWatch(["channels", "sms", "config", "provider"], form) as unknown;
  const provider = smsProviderOf({ provider: providerValue });
  const keys = configKeysFor(channel, provider);
  return (
    <Card
      size="small"
      title={t(`messaging.channel.${channel}`)}
      extra={
        <Form.Item name={["channels", channel, "enabled"]} valuePropName="checked" noStyle>
          <Switch checkedChildren={t("messaging.channels.enabled")} data-testid={`channel-enabled-${channel}`} />
        </Form.Item>
      }
      data-testid={`channel-card-${channel}`}
    >
      {channel === "sms" ? (
        <Form.Item name={["channels", "sms", "config", "provider"]} label={t("messaging.channels.provider")}>
          <Select options={SMS_PROVIDERS.map((p) => ({ value: p, label: t(`messaging.channels.provider.${p}`) }))} data-testid="channel-config-sms-provider" />
        </Form.Item>
      ) : null}
      {channel === "inbox" ? <Typography.Paragraph type="secondary">{t("messaging.channels.noConfig")}</Typography.Paragraph> : null}
      <Row gutter={12}>
        {keys.map(({ key, kind }) => (
          <Col key={key} span={kind === "number" || kind === "boolean" ? 8 : 12}>
            <Form.Item
              name={["channels", channel, "config", key]}
              label={t(`messaging.config.${key as ConfigLabel}`)}
              valuePropName={kind === "boolean" ? "checked" : "value"}
              extra={kind === "secret" ? (hasStoredSecret(secrets, channel, key) ? t("messaging.channels.secretKept") : t("messaging.channels.secretUnset")) : undefined}
            >
              {kind === "secret" ? (
                <Input.Password autoComplete="new-password" maxLength={4000} placeholder={hasStoredSecret(secrets, channel, key) ? "••••••" : undefined} data-testid={`channel-config-${channel}-${key}`} />
              ) : kind === "number" ? (
                <InputNumber min={0} precision={0} style={{ width: "100%" }} data-testid={`channel-config-${channel}-${key}`} />
              ) : kind === "boolean" ? (
                <Switch data-testid={`channel-config-${channel}-${key}`} />
              ) : (
                <Input maxLength={4000} data-testid={`channel-config-${channel}-${key}`} />
              )}
            </Form.Item>
          </Col>
        ))}
      </Row>
      <Form.Item name={["channels", channel, "dailyCap"]} label={t("messaging.channels.dailyCap")} extra={t("messaging.channels.dailyCapHelp")}>
        <InputNumber min={0} max={100} precision={0} style={{ width: 120 }} data-testid={`channel-daily-cap-${channel}`} />
      </Form.Item>
      <ExtraConfig channel={channel} />
      {channel === "sms" && props.canManage ? <SmsReplyCallback workspaceId={props.workspaceId} provider={provider} /> : null}
    </Card>
  );
}

/** The reply callback URL to paste into the provider's console, so a reply "R" / "退订" unsubscribes. */
function SmsReplyCallback(props: { workspaceId: string; provider: (typeof SMS_PROVIDERS)[number] }) {
  const t = useT();
  const callbacks = useMessagingCallbacks(props.workspaceId, true);
  const url = callbacks.data?.smsReplies[props.provider];
  return (
    <Form.Item label={t("messaging.channels.replyCallback")} extra={t(`messaging.channels.replyCallbackHelp.${props.provider}`)} style={{ marginTop: 12, marginBottom: 0 }}>
      <Typography.Text code copyable={url ? { text: url } : false} style={{ wordBreak: "break-all" }} data-testid="channel-sms-reply-callback">
        {url ?? "…"}
      </Typography.Text>
    </Form.Item>
  );
}

type ConfigLabel =
  | "accessKeyId"
  | "accessKeySecret"
  | "signName"
  | "secretId"
  | "secretKey"
  | "smsSdkAppId"
  | "host"
  | "port"
  | "secure"
  | "user"
  | "password"
  | "from"
  | "corpId"
  | "secret"
  | "defaultSender"
  | "allowancePerDay"
  | "allowancePerWeek"
  | "allowancePerMonth"
  | "appId"
  | "url";

/** Provider settings the form has no input for, kept as raw key / value pairs. */
function ExtraConfig(props: { channel: Channel }) {
  const t = useT();
  const { channel } = props;
  return (
    <Form.List name={["channels", channel, "extra"]}>
      {(fields, { add, remove }, { errors }) => (
        <Flex vertical gap={8}>
          {fields.length > 0 ? <Typography.Text type="secondary">{t("messaging.channels.extra")}</Typography.Text> : null}
          {fields.map((field) => (
            <Flex key={field.key} gap={8}>
              <Form.Item name={[field.name, "key"]} noStyle>
                <Input placeholder={t("messaging.params.key")} maxLength={100} style={{ width: 160 }} data-testid={`channel-extra-key-${channel}-${field.name}`} />
              </Form.Item>
              <Form.Item name={[field.name, "value"]} noStyle>
                <Input maxLength={4000} data-testid={`channel-extra-value-${channel}-${field.name}`} />
              </Form.Item>
              <Button icon={<DeleteOutlined />} onClick={() => remove(field.name)} aria-label={t("common.delete")} />
            </Flex>
          ))}
          <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add({ key: "", value: "" })} data-testid={`channel-extra-add-${channel}`}>
            {t("messaging.channels.extraAdd")}
          </Button>
          <Form.ErrorList errors={errors} />
        </Flex>
      )}
    </Form.List>
  );
}
