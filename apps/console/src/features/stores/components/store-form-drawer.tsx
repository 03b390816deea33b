import { CreateStoreBody, STORE_STATUSES, type StoreDto } from "@siyu/contracts";
import { App, Button, Drawer, Flex, Form, Input, Radio } from "antd";
import { useEffect } from "react";
import { useReportApiError } from "../../../lib/api";
import { zodRule } from "../../../lib/forms/zod-rule";
import { useT } from "../../../lib/i18n";
import { useCreateStore } from "../api/create-store";
import { useUpdateStore } from "../api/update-store";
import {
  EMPTY_STORE_FORM,
  STORE_FORM_FIELDS,
  formValuesToStoreBody,
  storeToFormValues,
  type StoreFormValues,
} from "../store-form-values";

/** `store` undefined: closed; null: create; a store: edit it. */
export function StoreFormDrawer(props: { workspaceId: string; store: StoreDto | null | undefined; onClose: () => void }) {
  const { workspaceId, store, onClose } = props;
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<StoreFormValues>();
  const create = useCreateStore(workspaceId);
  const update = useUpdateStore(workspaceId);
  const reportError = useReportApiError();
  const open = store !== undefined;
  const editing = store ?? null;

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(editing ? storeToFormValues(editing) : EMPTY_STORE_FORM);
  }, [open, editing, form]);

  const fields = CreateStoreBody.shape;
  const saving = create.isPending || update.isPending;

  const submit = (values: StoreFormValues) => {
    const body = formValuesToStoreBody(values);
    const callbacks = {
      onSuccess: () => {
        void message.success(t("common.saved"));
        onClose();
      },
      onError: (error: unknown) => reportError(error, form, STORE_FORM_FIELDS),
    };
    if (editing) update.mutate({ storeId: editing.id, body }, callbacks);
    else create.mutate(body, callbacks);
  };

  return (
    <Drawer
      open={open}
      onClose={onClose}
      width={480}
      title={editing ? t("stores.form.editTitle", { name: editing.name }) : t("stores.form.createTitle")}
      destroyOnHidden
      extra={
        <Flex gap={8}>
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button type="primary" loading={saving} onClick={() => form.submit()} data-testid="store-save">
            {t("common.save")}
          </Button>
        </Flex>
      }
    >
      <Form<StoreFormValues> form={form} layout="vertical" requiredMark={false} onFinish={submit}>
        <Form.Item
          name="code"
          label={t("stores.field.code")}
          extra={t("stores.field.codeHelp")}
          rules={[zodRule(fields.code, t, "stores.validation.code")]}
        >
          <Input maxLength={32} data-testid="store-code" />
        </Form.Item>
        <Form.Item name="name" label={t("stores.field.name")} rules={[zodRule(fields.name, t)]}>
          <Input maxLength={100} data-testid="store-name" />
        </Form.Item>
        <Form.Item name="city" label={t("stores.field.city")} rules={[zodRule(fields.city, t)]}>
          <Input maxLength={50} data-testid="store-city" />
        </Form.Item>
        <Form.Item name="address" label={t("stores.field.address")} rules={[zodRule(fields.address, t)]}>
          <Input.TextArea maxLength={300} autoSize={{ minRows: 2, maxRows: 4 }} />
        </Form.Item>
        <Form.Item name="phone" label={t("stores.field.phone")} rules={[zodRule(fields.phone, t)]}>
          <Input maxLength={30} />
        </Form.Item>
        <Form.Item name="status" label={t("common.status")}>
          <Radio.Group
            optionType="button"
            options={STORE_STATUSES.map((status) => ({ value: status, label: t(`stores.status.${status}`) }))}
          />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
