import { LOCALES, type Locale, type TemplateDto, type TemplatePreviewDto } from "@siyu/contracts";
import { Alert, Button, Card, Empty, Flex, Form, Select, Space, Tag, Typography } from "antd";
import { useEffect, useState } from "react";
import { useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { usePreviewTemplate } from "../api/messaging-api";
import { renderedFields } from "../message-view";
import { fieldLabel } from "../template-form";
import { CustomerPicker } from "./customer-picker";

/** Renders the saved template for a customer (or the server's sample one) and lists the variables that had no value. */
export function TemplatePreviewPanel(props: { workspaceId: string; template: TemplateDto | null; dirty: boolean; locale: Locale }) {
  const t = useT();
  const { template } = props;
  const preview = usePreviewTemplate(props.workspaceId);
  const reportError = useReportApiError();
  const [profileId, setProfileId] = useState<string | undefined>(undefined);
  const [locale, setLocale] = useState<Locale>(props.locale);
  const [result, setResult] = useState<TemplatePreviewDto | null>(null);
  useEffect(() => setLocale(props.locale), [props.locale]);
  useEffect(() => setResult(null), [template?.id]);

  const run = () => {
    if (!template) return;
    preview.mutate(
      { templateId: template.id, body: { profileId, locale, variables: {} } },
      { onSuccess: setResult, onError: (error) => reportError(error) },
    );
  };

  return (
    <Card size="small" title={t("messaging.preview.title")} data-testid="template-preview-panel">
      {!template ? (
        <Alert type="info" showIcon message={t("messaging.preview.saveFirst")} />
      ) : (
        <Flex vertical gap={12}>
          {props.dirty ? <Alert type="warning" showIcon message={t("messaging.preview.unsavedChanges")} data-testid="template-preview-dirty" /> : null}
          <Form layout="vertical" component="div">
            <Form.Item label={t("messaging.preview.customer")} style={{ marginBottom: 8 }}>
              <CustomerPicker value={profileId} onChange={setProfileId} placeholder={t("messaging.preview.customerPlaceholder")} testId="template-preview-customer" />
            </Form.Item>
            <Flex gap={8} align="end">
              <Form.Item label={t("messaging.preview.language")} style={{ marginBottom: 0, flex: 1 }}>
                <Select value={locale} onChange={setLocale} options={LOCALES.map((l) => ({ value: l, label: t(`messaging.locale.${l}`) }))} data-testid="template-preview-locale" />
              </Form.Item>
              <Button type="primary" loading={preview.isPending} onClick={run} data-testid="template-preview">
                {t("messaging.preview.run")}
              </Button>
            </Flex>
          </Form>
          {result ? <PreviewResult template={template} result={result} /> : null}
        </Flex>
      )}
    </Card>
  );
}

function PreviewResult(props: { template: TemplateDto; result: TemplatePreviewDto }) {
  const t = useT();
  const { template, result } = props;
  const fields = renderedFields({ channel: template.channel, rendered: result.rendered });
  return (
    <Flex vertical gap={8} data-testid="template-preview-result">
      <Typography.Text type="secondary">{t("messaging.preview.renderedIn", { locale: result.locale })}</Typography.Text>
      {result.missing.length > 0 ? (
        <Alert
          type="warning"
          showIcon
          message={t("messaging.preview.missing")}
          description={
            <Space size={4} wrap>
              {result.missing.map((v) => (
                <Tag key={v} color="red" data-testid="template-preview-missing">
                  {v}
                </Tag>
              ))}
            </Space>
          }
        />
      ) : (
        <Alert type="success" showIcon message={t("messaging.preview.noMissing")} />
      )}
      {fields.length === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("messaging.preview.empty")} /> : null}
      {fields.map(({ field, value }) => (
        <div key={field} data-testid={`template-preview-${field}`}>
          <Typography.Text strong>{t(`messaging.field.${fieldLabel(template.channel, field)}`)}</Typography.Text>
          {template.channel === "email" && field === "body" ? (
            // The HTML as the customer's mail client shows it; sandboxed, no script runs.
            <iframe title={field} sandbox="" srcDoc={value} style={{ width: "100%", minHeight: 240, border: "1px solid #f0f0f0", borderRadius: 6, background: "#fff" }} />
          ) : (
            <pre style={{ whiteSpace: "pre-wrap", wordBreak: "break-word", margin: "4px 0 0", padding: 8, background: "rgba(0,0,0,0.03)", borderRadius: 6 }}>{value}</pre>
          )}
        </div>
      ))}
    </Flex>
  );
}
