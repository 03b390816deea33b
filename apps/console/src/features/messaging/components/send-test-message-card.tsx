import { MESSAGE_CATEGORIES, type MessageCategory } from "@siyu/contracts";
import { App, Button, Card, Col, Form, Row, Select, Typography } from "antd";
import { useState } from "react";
import { useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { useSendMessage, useTemplates } from "../api/messaging-api";
import { newIdempotencyKey, templatesForChannel } from "../message-view";
import { CustomerPicker } from "./customer-picker";

type SendValues = { profileId: string | undefined; templateId: string | undefined; category: MessageCategory };

/** Sends one template to one customer through the same path as the API (POST messages), with a fresh idempotency key per send. */
export function SendTestMessageCard(props: { workspaceId: string }) {
  const t = useT();
  const { message } = App.useApp();
  const templates = useTemplates(props.workspaceId);
  const send = useSendMessage(props.workspaceId);
  const reportError = useReportApiError();
  const [form] = Form.useForm<SendValues>();
  // One key per send: a retried request queues once, the next click sends again.
  const [attempt, setAttempt] = useState(() => newIdempotencyKey());

  const submit = (values: SendValues) =>
    send.mutate(
      { profileId: values.profileId ?? "", templateId: values.templateId ?? "", category: values.category, idempotencyKey: attempt, variables: {} },
      {
        onSuccess: () => {
          void message.success(t("messaging.send.queued"));
          setAttempt(newIdempotencyKey());
        },
        onError: (error) => reportError(error, form, ["profileId", "templateId", "category"]),
      },
    );

  return (
    <Card title={t("messaging.send.title")} data-testid="send-test-card">
      <Typography.Paragraph type="secondary">{t("messaging.send.help")}</Typography.Paragraph>
      <Form<SendValues> form={form} layout="vertical" requiredMark={false} onFinish={submit} initialValues={{ category: "service" }} onValuesChange={() => setAttempt(newIdempotencyKey())}>
        <Row gutter={12} align="bottom">
          <Col xs={24} md={8}>
            <Form.Item name="profileId" label={t("messaging.send.customer")} rules={[{ required: true, message: t("common.validation.required") }]}>
              <CustomerPicker testId="send-test-customer" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="templateId" label={t("messaging.send.template")} rules={[{ required: true, message: t("common.validation.required") }]}>
              <Select
                showSearch
                optionFilterProp="label"
                loading={templates.isLoading}
                options={templatesForChannel(templates.data?.items ?? [], undefined).map((tpl) => ({ value: tpl.id, label: `${tpl.name} · ${t(`messaging.channel.${tpl.channel}`)}` }))}
                data-testid="send-test-template"
              />
            </Form.Item>
          </Col>
          <Col xs={12} md={5}>
            <Form.Item name="category" label={t("messaging.send.category")}>
              <Select options={MESSAGE_CATEGORIES.map((c) => ({ value: c, label: t(`messaging.category.${c}`) }))} data-testid="send-test-category" />
            </Form.Item>
          </Col>
          <Col xs={12} md={3}>
            <Form.Item>
              <Button type="primary" htmlType="submit" loading={send.isPending} block data-testid="send-test-submit">
                {t("messaging.send.submit")}
              </Button>
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Card>
  );
}
