import { AcceptInvitationBody, Password } from "@siyu/contracts";
import { Alert, Button, Descriptions, Form, Input, Result, Spin } from "antd";
import { useNavigate, useParams } from "react-router";
import { roleLabelKey } from "../../../components/role-label";
import { describeApiError, useReportApiError } from "../../../lib/api";
import { formatDateTime } from "../../../lib/format/format-date-time";
import { zodRule } from "../../../lib/forms/zod-rule";
import { useT } from "../../../lib/i18n";
import { rememberWorkspaceId } from "../../../lib/session";
import { useAcceptInvitation } from "../api/accept-invitation";
import { useInvitationPreview } from "../api/get-invitation-preview";
import { AuthFrame } from "./auth-frame";

type AcceptForm = { name: string; password: string; confirm: string };

const browserTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function InvitePage() {
  const t = useT();
  const { token = "" } = useParams();
  const navigate = useNavigate();
  const preview = useInvitationPreview(token);
  const accept = useAcceptInvitation(token);
  const reportError = useReportApiError();
  const [form] = Form.useForm<AcceptForm>();

  if (preview.isPending) {
    return (
      <AuthFrame title={t("auth.invite.title")}>
        <Spin />
      </AuthFrame>
    );
  }
  if (preview.isError) {
    return (
      <AuthFrame title={t("auth.invite.title")}>
        <Result
          status="warning"
          title={t("auth.invite.invalid")}
          subTitle={describeApiError(preview.error, t)}
          extra={<Button onClick={() => void navigate("/login")}>{t("auth.invite.goToLogin")}</Button>}
        />
      </AuthFrame>
    );
  }

  const invitation = preview.data;
  return (
    <AuthFrame title={t("auth.invite.title")}>
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        message={t("auth.invite.summary", {
          workspace: invitation.workspaceName,
          role: t(roleLabelKey(invitation.role)),
        })}
      />
      <Descriptions size="small" column={1} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t("auth.invite.email")}>{invitation.email}</Descriptions.Item>
        <Descriptions.Item label={t("auth.invite.expiresAt")}>
          {formatDateTime(invitation.expiresAt, browserTimeZone)}
        </Descriptions.Item>
      </Descriptions>
      {invitation.operatorExists ? (
        <Alert type="warning" showIcon style={{ marginBottom: 16 }} message={t("auth.invite.operatorExists")} />
      ) : null}
      <Form<AcceptForm>
        form={form}
        layout="vertical"
        requiredMark={false}
        onFinish={(values) => {
          accept.mutate(
            { name: values.name.trim(), password: values.password },
            {
              onSuccess: (me) => {
                const joined = me.memberships.find((m) => m.workspace.name === invitation.workspaceName);
                if (joined) rememberWorkspaceId(joined.workspace.id);
                void navigate("/", { replace: true });
              },
              onError: (error) => reportError(error, form, ["name", "password"]),
            },
          );
        }}
      >
        <Form.Item name="name" label={t("auth.invite.name")} rules={[zodRule(AcceptInvitationBody.shape.name, t)]}>
          <Input autoComplete="name" data-testid="invite-name" />
        </Form.Item>
        <Form.Item name="password" label={t("auth.invite.password")} rules={[zodRule(Password, t)]}>
          <Input.Password autoComplete="new-password" data-testid="invite-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t("auth.invite.confirmPassword")}
          dependencies={["password"]}
          rules={[
            ({ getFieldValue }) => ({
              validator: async (_rule, value) => {
                if (value !== getFieldValue("password")) throw new Error(t("auth.password.mismatch"));
              },
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" data-testid="invite-confirm" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={accept.isPending} data-testid="invite-accept">
          {t("auth.invite.accept")}
        </Button>
      </Form>
    </AuthFrame>
  );
}
