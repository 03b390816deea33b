import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { CHANNELS, LOCALES, type Channel, type Locale, type TemplateDto } from "@siyu/contracts";
import { Alert, App, Badge, Button, Col, Drawer, Flex, Form, Input, Row, Select, Space, Tabs } from "antd";
import type { FormInstance } from "antd";
import { useEffect, useState } from "react";
import { readValidationIssues, useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { useSaveTemplate } from "../api/messaging-api";
import {
  CHANNEL_FIELDS,
  MULTILINE_FIELDS,
  changedPaths,
  emptyTemplateForm,
  fieldLabel,
  filledLocales,
  formToTemplate,
  hasContent,
  mapTemplateIssues,
  templateToForm,
  type ContentField,
  type TemplateFormValues,
} from "../template-form";
import { TemplatePreviewPanel } from "./template-preview-panel";
import { VariablesCheatSheet } from "./variables-cheat-sheet";

type LooseForm = FormInstance<TemplateFormValues> & { setFields: (fields: { name: string | (string | number)[]; errors: string[] }[]) => void };

/** `template` undefined: closed; null: create; a template: edit it. After a save the drawer stays on the saved template, so it can be previewed. */
export function TemplateEditorDrawer(props: { workspaceId: string; template: TemplateDto | null | undefined; readOnly: boolean; onClose: () => void }) {
  const { workspaceId, onClose, readOnly } = props;
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<TemplateFormValues>();
  const save = useSaveTemplate(workspaceId);
  const reportError = useReportApiError();
  const open = props.template !== undefined;
  const [saved, setSaved] = useState<TemplateDto | null>(null);
  const editing = saved ?? props.template ?? null;
  const [locale, setLocale] = useState<Locale>("zh-CN");
  const [dirty, setDirty] = useState(false);
  const [noContent, setNoContent] = useState(false);
  const [draft, setDraft] = useState<TemplateFormValues>(() => emptyTemplateForm());
  const channel: Channel = draft.channel;

  useEffect(() => {
    if (!open) return;
    setSaved(null);
    const initial = props.template ? templateToForm(props.template) : emptyTemplateForm();
    form.resetFields();
    form.setFieldsValue(initial);
    setDraft(initial);
    setLocale(initial.defaultLocale);
    setDirty(false);
    setNoContent(false);
  }, [open, props.template, form]);

  const onValuesChange = (changed: Partial<TemplateFormValues>) => {
    // A server error on a field holds until the field is edited.
    (form as LooseForm).setFields(changedPaths(changed).map((name) => ({ name, errors: [] })));
    setDirty(true);
    setNoContent(false);
    setDraft({ ...form.getFieldsValue(true) });
  };

  const submit = () => {
    const values: TemplateFormValues = form.getFieldsValue(true);
    if (filledLocales(values).length === 0) {
      setNoContent(true);
      return;
    }
    save.mutate(
      { templateId: editing?.id ?? null, body: formToTemplate(values) },
      {
        onSuccess: (template) => {
          void message.success(t("common.saved"));
          setSaved(template);
          setDirty(false);
        },
        onError: (error) => {
          const issues = readValidationIssues(error);
          if (issues.length === 0) return reportError(error);
          const mapped = mapTemplateIssues(issues);
          (form as LooseForm).setFields(mapped.fieldErrors);
          if (mapped.locales.length > 0 && !mapped.locales.includes(locale)) setLocale(mapped.locales[0]!);
          for (const text of mapped.otherMessages) void message.error(text);
        },
      },
    );
  };

  return (
    <Drawer
      open={open}
      onClose={onClose}
      width={1200}
      title={editing ? t("messaging.editor.editTitle", { name: editing.name }) : t("messaging.editor.createTitle")}
      destroyOnHidden
      extra={
        <Flex gap={8}>
          <Button onClick={onClose} data-testid="template-close">
            {t("common.close")}
          </Button>
          {readOnly ? null : (
            <Button type="primary" loading={save.isPending} onClick={() => form.submit()} data-testid="template-save">
              {t("common.save")}
            </Button>
          )}
        </Flex>
      }
    >
      <Row gutter={24}>
        <Col xs={24} xl={15}>
          <Form<TemplateFormValues>
            form={form}
            layout="vertical"
            requiredMark={false}
            disabled={readOnly}
            onFinish={submit}
            onValuesChange={onValuesChange}
            initialValues={emptyTemplateForm()}
            data-testid="template-form"
          >
            <Row gutter={12}>
              <Col span={12}>
                <Form.Item name="name" label={t("messaging.editor.name")}>
                  <Input maxLength={200} data-testid="template-name" />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item name="channel" label={t("messaging.editor.channel")}>
                  <Select options={CHANNELS.map((c) => ({ value: c, label: t(`messaging.channel.${c}`) }))} data-testid="template-channel" />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item name="purpose" label={t("messaging.editor.purpose")} tooltip={t("messaging.editor.purposeHelp")}>
                  <Select options={(["marketing", "service"] as const).map((p) => ({ value: p, label: t(`messaging.purpose.${p}`) }))} data-testid="template-purpose" />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item name="defaultLocale" label={t("messaging.editor.defaultLocale")}>
                  <Select options={LOCALES.map((l) => ({ value: l, label: t(`messaging.locale.${l}`) }))} data-testid="template-default-locale" />
                </Form.Item>
              </Col>
            </Row>
            {noContent ? <Alert type="error" showIcon message={t("messaging.editor.noContent")} style={{ marginBottom: 12 }} data-testid="template-no-content" /> : null}
            <Tabs
              activeKey={locale}
              onChange={(key) => setLocale(key as Locale)}
              items={LOCALES.map((l) => ({
                key: l,
                forceRender: true,
                label: (
                  <span data-testid={`template-tab-${l}`}>
                    {t(`messaging.locale.${l}`)} {hasContent(channel, draft.content[l]) ? <Badge status="success" text={t("messaging.editor.filled")} /> : null}
                  </span>
                ),
                children: <ContentFields channel={channel} locale={l} />,
              }))}
            />
          </Form>
        </Col>
        <Col xs={24} xl={9}>
          <Space direction="vertical" size={16} style={{ width: "100%" }}>
            <VariablesCheatSheet />
            <TemplatePreviewPanel workspaceId={workspaceId} template={editing} dirty={dirty} locale={locale} />
          </Space>
        </Col>
      </Row>
    </Drawer>
  );
}

function ContentFields(props: { channel: Channel; locale: Locale }) {
  const t = useT();
  const { channel, locale } = props;
  return (
    <>
      {CHANNEL_FIELDS[channel].map((field) =>
        field === "params" ? (
          <ParamsField key={field} channel={channel} locale={locale} />
        ) : (
          <Form.Item key={field} name={["content", locale, field]} label={t(`messaging.field.${fieldLabel(channel, field)}`)}>
            {MULTILINE_FIELDS.has(field) ? (
              <Input.TextArea autoSize={{ minRows: field === "body" ? 4 : 2, maxRows: 16 }} maxLength={20_000} style={{ fontFamily: "monospace" }} data-testid={`template-field-${locale}-${field}`} />
            ) : (
              <Input maxLength={maxLengthOf(field)} data-testid={`template-field-${locale}-${field}`} />
            )}
          </Form.Item>
        ),
      )}
    </>
  );
}

function maxLengthOf(field: ContentField): number {
  return field === "subject" ? 500 : field === "providerTemplate" ? 200 : 2000;
}

/** Provider template variables (SMS) or WeChat data keys: key → Liquid. */
function ParamsField(props: { channel: Channel; locale: Locale }) {
  const t = useT();
  const { channel, locale } = props;
  return (
    <Form.Item label={t(`messaging.field.${fieldLabel(channel, "params")}`)} required={false}>
      <Form.List name={["content", locale, "params"]}>
        {(fields, { add, remove }, { errors }) => (
          <Flex vertical gap={8}>
            {fields.map((field) => (
              <Flex key={field.key} gap={8} align="start">
                <Form.Item name={[field.name, "key"]} noStyle>
                  <Input placeholder={t("messaging.params.key")} maxLength={100} style={{ width: 180 }} data-testid={`template-param-key-${locale}-${field.name}`} />
                </Form.Item>
                <Form.Item name={[field.name, "value"]} noStyle>
                  <Input placeholder={t("messaging.params.value")} maxLength={2000} data-testid={`template-param-value-${locale}-${field.name}`} />
                </Form.Item>
                <Button icon={<DeleteOutlined />} onClick={() => remove(field.name)} aria-label={t("common.delete")} />
              </Flex>
            ))}
            <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ key: "", value: "" })} data-testid={`template-param-add-${locale}`}>
              {t("messaging.params.add")}
            </Button>
            <Form.ErrorList errors={errors} />
          </Flex>
        )}
      </Form.List>
    </Form.Item>
  );
}
