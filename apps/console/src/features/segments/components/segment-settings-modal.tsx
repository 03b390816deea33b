import { SettingOutlined } from "@ant-design/icons";
import type { SegmentSettingsDto } from "@siyu/contracts";
import { App, Button, Form, InputNumber, Modal } from "antd";
import { useState } from "react";
import { useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { testId } from "../../../lib/test-id";
import { useSegmentSettings, useUpdateSegmentSettings } from "../api/segment-settings";

/** The workspace's segment defaults: how often new segments refresh, how far back the pickers look. */
export function SegmentSettingsButton() {
  const t = useT();
  const { message } = App.useApp();
  const reportError = useReportApiError();
  const { workspaceId } = useCurrentWorkspace();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<SegmentSettingsDto>();
  const settings = useSegmentSettings(workspaceId, open);
  const update = useUpdateSegmentSettings(workspaceId);
  return (
    <>
      <Button icon={<SettingOutlined />} onClick={() => setOpen(true)} data-testid="segment-settings">
        {t("segments.settings.open")}
      </Button>
      <Modal
        open={open}
        title={t("segments.settings.title")}
        okText={t("segments.settings.save")}
        okButtonProps={{ loading: update.isPending, disabled: !settings.data, ...testId("segment-settings-save") }}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        {settings.data ? (
          <Form<SegmentSettingsDto>
            form={form}
            layout="vertical"
            initialValues={settings.data}
            onFinish={(values) =>
              update.mutate(values, {
                onSuccess: () => {
                  void message.success(t("segments.settings.saved"));
                  setOpen(false);
                },
                onError: (error) => reportError(error, form, ["defaultRefreshEveryMinutes", "catalogueLookbackDays"]),
              })
            }
          >
            <Form.Item
              name="defaultRefreshEveryMinutes"
              label={t("segments.settings.refreshEvery")}
              extra={t("segments.settings.refreshEvery.help")}
              rules={[{ required: true }]}
            >
              <InputNumber min={5} max={7 * 24 * 60} precision={0} style={{ width: 200 }} />
            </Form.Item>
            <Form.Item
              name="catalogueLookbackDays"
              label={t("segments.settings.lookback")}
              extra={t("segments.settings.lookback.help")}
              rules={[{ required: true }]}
            >
              <InputNumber min={1} max={3650} precision={0} style={{ width: 200 }} />
            </Form.Item>
          </Form>
        ) : null}
      </Modal>
    </>
  );
}
