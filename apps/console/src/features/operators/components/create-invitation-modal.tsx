import { Email, ROLES, type Role } from "@siyu/contracts";
import { Button, Form, Input, Modal, Select, Typography } from "antd";
import { useState } from "react";
import { OneTimeSecret } from "../../../components/one-time-secret";
import { roleLabelKey } from "../../../components/role-label";
import { useReportApiError } from "../../../lib/api";
import { zodRule } from "../../../lib/forms/zod-rule";
import { useT } from "../../../lib/i18n";
import { useCreateInvitation, type CreatedInvitation } from "../api/create-invitation";
import { absoluteUrl } from "../invitation-status";
import { StoreMultiSelect } from "./store-multi-select";

type InvitationForm = { email: string; role: Role; storeIds?: string[] };

export function CreateInvitationModal(props: { workspaceId: string; open: boolean; onClose: () => void }) {
  const t = useT();
  const [form] = Form.useForm<InvitationForm>();
  const role = Form.useWatch("role", form);
  const create = useCreateInvitation(props.workspaceId);
  const reportError = useReportApiError();
  // Held only while the modal is open: the link carries a secret token shown this once.
  const [created, setCreated] = useState<CreatedInvitation | null>(null);

  const close = () => {
    setCreated(null);
    props.onClose();
  };

  return (
    <Modal
      open={props.open}
      title={created ? t("operators.invitation.createdTitle") : t("operators.invitation.createTitle")}
      onCancel={close}
      maskClosable={!created}
      destroyOnHidden
      footer={
        created
          ? [
              <Button key="done" type="primary" onClick={close} data-testid="invitation-done">
                {t("operators.invitation.done")}
              </Button>,
            ]
          : [
              <Button key="cancel" onClick={close}>
                {t("common.cancel")}
              </Button>,
              <Button
                key="submit"
                type="primary"
                loading={create.isPending}
                onClick={() => form.submit()}
                data-testid="invitation-submit"
              >
                {t("operators.invitation.send")}
              </Button>,
            ]
      }
    >
      {created ? (
        <>
          <Typography.Paragraph>
            {t("operators.invitation.createdHelp", { email: created.invitation.email })}
          </Typography.Paragraph>
          <OneTimeSecret
            value={absoluteUrl(created.acceptUrl, window.location.origin)}
            testId="invitation-accept-url"
            copyTestId="invitation-accept-url-copy"
          />
        </>
      ) : (
        <Form<InvitationForm>
          form={form}
          layout="vertical"
          requiredMark={false}
          initialValues={{ role: "operator", storeIds: [] }}
          onFinish={(values) => {
            create.mutate(
              {
                email: values.email.trim(),
                role: values.role,
                storeIds: values.role === "store_manager" ? (values.storeIds ?? []) : [],
              },
              { onSuccess: setCreated, onError: (error) => reportError(error, form, ["email", "role", "storeIds"]) },
            );
          }}
        >
          <Form.Item name="email" label={t("operators.field.email")} rules={[zodRule(Email, t)]}>
            <Input type="email" autoComplete="off" data-testid="invitation-email" />
          </Form.Item>
          <Form.Item name="role" label={t("operators.field.role")} extra={t(`operators.roleHelp.${role ?? "operator"}`)}>
            <Select<Role>
              options={ROLES.map((r) => ({ value: r, label: t(roleLabelKey(r)) }))}
              data-testid="invitation-role"
            />
          </Form.Item>
          {role === "store_manager" ? (
            <Form.Item name="storeIds" label={t("operators.field.stores")}>
              <StoreMultiSelect workspaceId={props.workspaceId} testId="invitation-stores" />
            </Form.Item>
          ) : null}
        </Form>
      )}
    </Modal>
  );
}
