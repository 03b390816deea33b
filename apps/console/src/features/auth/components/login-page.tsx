import { LockOutlined, MailOutlined } from "@ant-design/icons";
import { Email } from "@siyu/contracts";
import { Alert, Button, Form, Input } from "antd";
import { useNavigate, useSearchParams } from "react-router";
import { INVALID_CREDENTIALS_CODE, describeApiError, isApiError, useReportApiError } from "../../../lib/api";
import { zodRule } from "../../../lib/forms/zod-rule";
import { useT } from "../../../lib/i18n";
import { useLogin } from "../api/login";
import { safeNextPath } from "../next-path";
import { AuthFrame } from "./auth-frame";

type LoginForm = { email: string; password: string };

export function LoginPage() {
  const t = useT();
  const [form] = Form.useForm<LoginForm>();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const loginMutation = useLogin();
  const reportError = useReportApiError();

  const invalidCredentials =
    isApiError(loginMutation.error) && loginMutation.error.code === INVALID_CREDENTIALS_CODE;

  return (
    <AuthFrame title={t("auth.login.title")}>
      {invalidCredentials ? (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          message={t("auth.login.invalidCredentials")}
          data-testid="login-error"
        />
      ) : loginMutation.error && !isApiError(loginMutation.error) ? (
        <Alert type="error" showIcon style={{ marginBottom: 16 }} message={describeApiError(loginMutation.error, t)} />
      ) : null}
      <Form<LoginForm>
        form={form}
        layout="vertical"
        requiredMark={false}
        onFinish={(values) => {
          loginMutation.mutate(
            { email: values.email.trim(), password: values.password },
            {
              onSuccess: () => void navigate(safeNextPath(params.get("next")), { replace: true }),
              onError: (error) => {
                if (!isApiError(error) || error.code !== INVALID_CREDENTIALS_CODE) {
                  reportError(error, form, ["email", "password"]);
                }
              },
            },
          );
        }}
      >
        <Form.Item name="email" label={t("auth.login.email")} rules={[zodRule(Email, t)]}>
          <Input
            prefix={<MailOutlined />}
            autoComplete="username"
            inputMode="email"
            autoFocus
            data-testid="login-email"
          />
        </Form.Item>
        <Form.Item
          name="password"
          label={t("auth.login.password")}
          rules={[{ required: true, message: t("common.validation.required") }]}
        >
          <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="login-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={loginMutation.isPending} data-testid="login-submit">
          {t("auth.login.submit")}
        </Button>
      </Form>
    </AuthFrame>
  );
}
