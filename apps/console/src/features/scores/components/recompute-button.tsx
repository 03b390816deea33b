import { ReloadOutlined } from "@ant-design/icons";
import { App, Button } from "antd";
import { useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useRecomputeScores } from "../api/recompute-scores";

export function RecomputeButton() {
  const t = useT();
  const { message } = App.useApp();
  const reportError = useReportApiError();
  const { workspaceId, can } = useCurrentWorkspace();
  const recompute = useRecomputeScores(workspaceId);
  if (!can("segments.manage")) return null;
  return (
    <Button
      icon={<ReloadOutlined />}
      loading={recompute.isPending}
      data-testid="scores-recompute"
      onClick={() =>
        recompute.mutate(undefined, {
          onSuccess: (run) => void message.success(t("scores.recomputed", { count: run.profiles })),
          onError: (error) => reportError(error),
        })
      }
    >
      {t("scores.recompute")}
    </Button>
  );
}
