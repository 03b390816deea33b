import type { TagGroupDto } from "@siyu/contracts";
import { Form, Input, Modal, Switch } from "antd";
import { useEffect } from "react";
import { useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { useCreateTagGroup, useUpdateTagGroup } from "../api/tags-api";

type Values = { name: string; description?: string | null; exclusive: boolean };

export function TagGroupModal(props: { workspaceId: string; open: boolean; group: TagGroupDto | null; onClose: () => void }) {
  const t = useT();
  const [form] = Form.useForm<Values>();
  const create = useCreateTagGroup(props.workspaceId);
  const update = useUpdateTagGroup(props.workspaceId);
  const reportError = useReportApiError();

  useEffect(() => {
    if (!props.open) return;
    form.resetFields();
    form.setFieldsValue(props.group ? { name: props.group.name, description: props.group.description, exclusive: props.group.exclusive } : { exclusive: false });
  }, [props.open, props.group, form]);

  async function submit() {
    const values = await form.validateFields();
    const body = { name: values.name, description: values.description || null, exclusive: values.exclusive };
    try {
      if (props.group) await update.mutateAsync({ groupId: props.group.id, body });
      else await create.mutateAsync(body);
      props.onClose();
    } catch (error) {
      reportError(error, form, ["name", "description", "exclusive"]);
    }
  }

  return (
    <Modal
      open={props.open}
      title={props.group ? `${t("tags.edit")} · ${props.group.name}` : t("tags.newGroup")}
      onCancel={props.onClose}
      onOk={() => void submit()}
      confirmLoading={create.isPending || update.isPending}
      destroyOnHidden
    >
      <Form form={form} layout="vertical">
        <Form.Item name="name" label={t("tags.form.name")} rules={[{ required: true, max: 100 }]}>
          <Input data-testid="tag-group-name" />
        </Form.Item>
        <Form.Item name="description" label={t("tags.form.description")} rules={[{ max: 500 }]}>
          <Input.TextArea rows={2} />
        </Form.Item>
        <Form.Item name="exclusive" label={t("tags.exclusive")} valuePropName="checked" extra={t("tags.exclusiveHelp")}>
          <Switch />
        </Form.Item>
      </Form>
    </Modal>
  );
}
