import { CHANNELS, MESSAGE_CATEGORIES } from "@siyu/contracts";
import { App, Button, Col, DatePicker, Drawer, Flex, Form, Input, InputNumber, Row, Select } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useEffect } from "react";
import { readValidationIssues, useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useCreateBroadcast, useSegmentOptions, useTemplates } from "../api/messaging-api";
import { EMPTY_BROADCAST_FORM, formToBroadcast, isoToWallTime, mapBroadcastIssues, wallTimeToIso, type BroadcastFormValues } from "../broadcast-form";
import { templatesForChannel } from "../message-view";

/** ISO in the form; in the picker, the wall-clock time in the workspace's time zone. */
function pickerValue(value: unknown, timeZone: string): Dayjs | null {
  if (typeof value !== "string" || !value) return null;
  const w = isoToWallTime(value, timeZone);
  return dayjs().year(w.year).month(w.month - 1).date(w.day).hour(w.hour).minute(w.minute).second(0).millisecond(0);
}
function pickedIso(value: Dayjs | null, timeZone: string): string | null {
  return value ? wallTimeToIso({ year: value.year(), month: value.month() + 1, day: value.date(), hour: value.hour(), minute: value.minute() }, timeZone) : null;
}

export function BroadcastFormDrawer(props: { workspaceId: string; open: boolean; onClose: () => void }) {
  const { workspaceId, open, onClose } = props;
  const t = useT();
  const { message } = App.useApp();
  const { workspace } = useCurrentWorkspace();
  const timeZone = workspace.timezone;
  const [form] = Form.useForm<BroadcastFormValues>();
  const create = useCreateBroadcast(workspaceId);
  const segments = useSegmentOptions(workspaceId);
  const templates = useTemplates(workspaceId);
  const reportError = useReportApiError();
  const channel = (Form.useWatch("channel", form) as BroadcastFormValues["channel"] | undefined) ?? EMPTY_BROADCAST_FORM.channel;
  const choices = templatesForChannel(templates.data?.items ?? [], channel);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(EMPTY_BROADCAST_FORM);
  }, [open, form]);

  const onValuesChange = (changed: Partial<BroadcastFormValues>) => {
    // A template belongs to one channel: a new channel drops a template of another.
    if (changed.channel) {
      const templateId = form.getFieldValue("templateId") as string | undefined;
      if (templateId && !templatesForChannel(templates.data?.items ?? [], changed.channel).some((tpl) => tpl.id === templateId)) form.setFieldValue("templateId", undefined);
    }
  };

  const submit = () =>
    create.mutate(formToBroadcast(form.getFieldsValue(true)), {
      onSuccess: () => {
        void message.success(t("messaging.broadcastForm.created"));
        onClose();
      },
      onError: (error) => {
        const issues = readValidationIssues(error);
        if (issues.length === 0) return reportError(error);
        const { fieldErrors, otherMessages } = mapBroadcastIssues(issues);
        form.setFields(fieldErrors);
        for (const text of otherMessages) void message.error(text);
      },
    });

  return (
    <Drawer
      open={open}
      onClose={onClose}
      width={640}
      title={t("messaging.broadcastForm.title")}
      destroyOnHidden
      extra={
        <Flex gap={8}>
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button type="primary" loading={create.isPending} onClick={() => form.submit()} data-testid="broadcast-save">
            {t("messaging.broadcastForm.create")}
          </Button>
        </Flex>
      }
    >
      <Form<BroadcastFormValues> form={form} layout="vertical" requiredMark={false} onFinish={submit} onValuesChange={onValuesChange} initialValues={EMPTY_BROADCAST_FORM} data-testid="broadcast-form">
        <Form.Item name="name" label={t("messaging.broadcastForm.name")}>
          <Input maxLength={200} data-testid="broadcast-name" />
        </Form.Item>
        <Form.Item name="segmentId" label={t("messaging.broadcastForm.segment")}>
          <Select
            showSearch
            optionFilterProp="label"
            loading={segments.isLoading}
            options={(segments.data?.items ?? []).map((s) => ({ value: s.id, label: s.size === null ? s.name : `${s.name} (${s.size.toLocaleString()})` }))}
            data-testid="broadcast-segment"
          />
        </Form.Item>
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name="channel" label={t("messaging.broadcastForm.channel")}>
              <Select options={CHANNELS.map((c) => ({ value: c, label: t(`messaging.channel.${c}`) }))} data-testid="broadcast-channel" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="category" label={t("messaging.broadcastForm.category")}>
              <Select options={MESSAGE_CATEGORIES.map((c) => ({ value: c, label: t(`messaging.category.${c}`) }))} data-testid="broadcast-category" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="templateId" label={t("messaging.broadcastForm.template")} extra={choices.length === 0 && !templates.isLoading ? t("messaging.broadcastForm.noTemplate") : undefined}>
          <Select showSearch optionFilterProp="label" loading={templates.isLoading} options={choices.map((tpl) => ({ value: tpl.id, label: tpl.name }))} data-testid="broadcast-template" />
        </Form.Item>
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item
              name="startAt"
              label={t("messaging.broadcastForm.startAt", { timeZone })}
              extra={t("messaging.broadcastForm.startAtHelp")}
              getValueProps={(value) => ({ value: pickerValue(value, timeZone) })}
              normalize={(value: Dayjs | null) => pickedIso(value, timeZone)}
            >
              <DatePicker showTime={{ format: "HH:mm" }} format="YYYY-MM-DD HH:mm" style={{ width: "100%" }} data-testid="broadcast-start-at" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="repeatEveryDays" label={t("messaging.broadcastForm.repeatEveryDays")} extra={t("messaging.broadcastForm.repeatHelp")}>
              <InputNumber min={1} max={366} precision={0} style={{ width: "100%" }} data-testid="broadcast-repeat" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="perMinute" label={t("messaging.broadcastForm.perMinute")}>
          <InputNumber min={1} max={1_000_000} precision={0} style={{ width: 200 }} data-testid="broadcast-per-minute" />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
