import { API_KEY_SCOPES, CreateApiKeyBody, type ApiKeyScope, type CreatedApiKeyDto } from "@siyu/contracts";
import { Form, Input, Modal, Radio, Typography } from "antd";
import { useReportApiError } from "../../../lib/api";
import { zodRule } from "../../../lib/forms/zod-rule";
import { useT } from "../../../lib/i18n";
import { testId } from "../../../lib/test-id";
import { useCreateApiKey } from "../api/create-api-key";

type ApiKeyForm = { name: string; scope: ApiKeyScope };

export function CreateApiKeyModal(props: {
  workspaceId: string;
  open: boolean;
  onClose: () => void;
  onCreated: (created: CreatedApiKeyDto) => void;
}) {
  const t = useT();
  const [form] = Form.useForm<ApiKeyForm>();
  const scope = Form.useWatch("scope", form);
  const create = useCreateApiKey(props.workspaceId);
  const reportError = useReportApiError();

  return (
    <Modal
      open={props.open}
      title={t("apiKeys.create.title")}
      okText={t("common.create")}
      cancelText={t("common.cancel")}
      confirmLoading={create.isPending}
      onOk={() => form.submit()}
      onCancel={props.onClose}
      destroyOnHidden
      okButtonProps={{ ...testId("api-key-submit") }}
    >
      <Form<ApiKeyForm>
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={{ name: "", scope: "ingest" }}
        onFinish={(values) => {
          create.mutate(
            { name: values.name.trim(), scope: values.scope },
            { onSuccess: props.onCreated, onError: (error) => reportError(error, form, ["name", "scope"]) },
          );
        }}
      >
        <Form.Item
          name="name"
          label={t("apiKeys.field.name")}
          extra={t("apiKeys.field.nameHelp")}
          rules={[zodRule(CreateApiKeyBody.shape.name, t)]}
        >
          <Input maxLength={100} autoFocus data-testid="api-key-name" />
        </Form.Item>
        <Form.Item name="scope" label={t("apiKeys.field.scope")}>
          <Radio.Group data-testid="api-key-scope">
            {API_KEY_SCOPES.map((value) => (
              <Radio.Button key={value} value={value}>
                <span data-testid={`api-key-scope-${value}`}>{t(`apiKeys.scope.${value}`)}</span>
              </Radio.Button>
            ))}
          </Radio.Group>
        </Form.Item>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t(`apiKeys.scopeHelp.${scope ?? "ingest"}`)}
        </Typography.Paragraph>
      </Form>
    </Modal>
  );
}
