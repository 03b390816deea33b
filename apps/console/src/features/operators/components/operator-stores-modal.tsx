import type { WorkspaceOperatorDto } from "@siyu/contracts";
import { App, Form, Modal, Typography } from "antd";
import { useEffect } from "react";
import { useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { testId } from "../../../lib/test-id";
import { useUpdateOperator } from "../api/update-operator";
import { StoreMultiSelect } from "./store-multi-select";

type StoresForm = { storeIds: string[] };

export function OperatorStoresModal(props: {
  workspaceId: string;
  operator: WorkspaceOperatorDto | null;
  onClose: () => void;
}) {
  const { workspaceId, operator, onClose } = props;
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<StoresForm>();
  const update = useUpdateOperator(workspaceId);
  const reportError = useReportApiError();

  useEffect(() => {
    if (operator) form.setFieldsValue({ storeIds: [...operator.storeIds] });
  }, [operator, form]);

  return (
    <Modal
      open={operator !== null}
      title={t("operators.stores.title", { name: operator?.name ?? "" })}
      okText={t("common.save")}
      cancelText={t("common.cancel")}
      confirmLoading={update.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
      okButtonProps={{ ...testId("operator-stores-save") }}
    >
      <Typography.Paragraph type="secondary">{t("operators.stores.help")}</Typography.Paragraph>
      <Form<StoresForm>
        form={form}
        layout="vertical"
        onFinish={(values) => {
          if (!operator) return;
          update.mutate(
            { operatorId: operator.operatorId, body: { storeIds: values.storeIds } },
            {
              onSuccess: () => {
                void message.success(t("common.saved"));
                onClose();
              },
              onError: (error) => reportError(error, form, ["storeIds"]),
            },
          );
        }}
      >
        <Form.Item name="storeIds" label={t("operators.field.stores")}>
          <StoreMultiSelect workspaceId={workspaceId} testId="operator-stores-select" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
