import type { WorkspaceDto } from "@siyu/contracts";
import { Form, Modal } from "antd";
import { useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { testId } from "../../../lib/test-id";
import { useCreateWorkspace } from "../api/create-workspace";
import { DEFAULT_CURRENCY, DEFAULT_TIME_ZONE } from "../workspace-options";
import { WORKSPACE_FORM_FIELDS, WorkspaceFormFields, type WorkspaceFormValues } from "./workspace-form-fields";

export function CreateWorkspaceModal(props: {
  open: boolean;
  onClose: () => void;
  onCreated: (workspace: WorkspaceDto) => void;
}) {
  const t = useT();
  const [form] = Form.useForm<WorkspaceFormValues>();
  const create = useCreateWorkspace();
  const reportError = useReportApiError();
  return (
    <Modal
      open={props.open}
      title={t("workspaces.create.title")}
      okText={t("common.create")}
      cancelText={t("common.cancel")}
      confirmLoading={create.isPending}
      onOk={() => form.submit()}
      onCancel={props.onClose}
      destroyOnHidden
      okButtonProps={{ ...testId("workspace-create-submit") }}
    >
      <Form<WorkspaceFormValues>
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={{ name: "", timezone: DEFAULT_TIME_ZONE, currency: DEFAULT_CURRENCY }}
        onFinish={(values) => {
          create.mutate(values, {
            onSuccess: (workspace) => props.onCreated(workspace),
            onError: (error) => reportError(error, form, WORKSPACE_FORM_FIELDS),
          });
        }}
      >
        <WorkspaceFormFields />
      </Form>
    </Modal>
  );
}
