import type { ScoresSettingsDto } from "@siyu/contracts";
import { App, Button, Card, Form } from "antd";
import type { ReactNode } from "react";
import { useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useUpdateScoresSettings } from "../api/update-scores-settings";
import { mergeSettings } from "../merge-settings";

/**
 * A card with part of the scores settings. The form holds the whole settings object, so saving
 * one card sends every section as the server holds it plus this card's edits (PUT replaces).
 */
export function ScoresSettingsForm(props: { title: ReactNode; settings: ScoresSettingsDto; children: ReactNode; testId: string }) {
  const t = useT();
  const { message } = App.useApp();
  const reportError = useReportApiError();
  const { workspaceId, can } = useCurrentWorkspace();
  const update = useUpdateScoresSettings(workspaceId);
  const [form] = Form.useForm<ScoresSettingsDto>();
  const canManage = can("segments.manage");
  return (
    <Card title={props.title} data-testid={props.testId}>
      <Form
        form={form}
        layout="vertical"
        initialValues={props.settings}
        disabled={!canManage}
        onFinish={(values) =>
          update.mutate(mergeSettings(props.settings, values), {
            onSuccess: () => void message.success(t("scores.saved")),
            onError: (error) => reportError(error),
          })
        }
      >
        {props.children}
        {canManage ? (
          <Button type="primary" htmlType="submit" loading={update.isPending}>
            {t("scores.save")}
          </Button>
        ) : null}
      </Form>
    </Card>
  );
}
