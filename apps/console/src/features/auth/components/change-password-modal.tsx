import { ChangePasswordBody, Password } from "@siyu/contracts";
import { App, Form, Input, Modal } from "antd";
import { useReportApiError } from "../../../lib/api";
import { zodRule } from "../../../lib/forms/zod-rule";
import { useT } from "../../../lib/i18n";
import { testId } from "../../../lib/test-id";
import { useChangePassword } from "../api/change-password";

type ChangePasswordForm = { currentPassword: string; newPassword: string; confirm: string };

export function ChangePasswordModal(props: { open: boolean; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<ChangePasswordForm>();
  const mutation = useChangePassword();
  const reportError = useReportApiError();

  return (
    <Modal
      open={props.open}
      title={t("auth.password.title")}
      okText={t("common.save")}
      cancelText={t("common.cancel")}
      confirmLoading={mutation.isPending}
      onOk={() => form.submit()}
      onCancel={props.onClose}
      afterClose={() => form.resetFields()}
      destroyOnHidden
      okButtonProps={{ ...testId("change-password-submit") }}
    >
      <Form<ChangePasswordForm>
        form={form}
        layout="vertical"
        requiredMark={false}
        onFinish={(values) => {
          mutation.mutate(
            { currentPassword: values.currentPassword, newPassword: values.newPassword },
            {
              onSuccess: () => {
                void message.success(t("auth.password.changed"));
                props.onClose();
              },
              onError: (error) => reportError(error, form, ["currentPassword", "newPassword"]),
            },
          );
        }}
      >
        <Form.Item
          name="currentPassword"
          label={t("auth.password.current")}
          rules={[zodRule(ChangePasswordBody.shape.currentPassword, t)]}
        >
          <Input.Password autoComplete="current-password" data-testid="change-password-current" />
        </Form.Item>
        <Form.Item name="newPassword" label={t("auth.password.new")} rules={[zodRule(Password, t)]}>
          <Input.Password autoComplete="new-password" data-testid="change-password-new" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t("auth.password.confirm")}
          dependencies={["newPassword"]}
          rules={[
            ({ getFieldValue }) => ({
              validator: async (_rule, value) => {
                if (value !== getFieldValue("newPassword")) throw new Error(t("auth.password.mismatch"));
              },
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" data-testid="change-password-confirm" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
