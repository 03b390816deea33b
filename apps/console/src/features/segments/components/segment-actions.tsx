import { DeleteOutlined, DownloadOutlined, ReloadOutlined } from "@ant-design/icons";
import { App, Button, Popconfirm, Tooltip } from "antd";
import { useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { testId } from "../../../lib/test-id";
import { segmentExportUrl } from "../api/segment-keys";
import { useDeleteSegment, useRefreshSegment } from "../api/save-segment";

/** Refresh now: recounts the members and reports who came and went. */
export function RefreshSegmentButton(props: { segmentId: string; withLabel?: boolean }) {
  const t = useT();
  const { message } = App.useApp();
  const reportError = useReportApiError();
  const { workspaceId } = useCurrentWorkspace();
  const refresh = useRefreshSegment(workspaceId);
  const button = (
    <Button
      size={props.withLabel ? "middle" : "small"}
      icon={<ReloadOutlined />}
      loading={refresh.isPending && refresh.variables === props.segmentId}
      onClick={(e) => {
        e.stopPropagation();
        refresh.mutate(props.segmentId, {
          onSuccess: (result) => void message.success(t("segments.refreshed", { ...result })),
          onError: (error) => reportError(error),
        });
      }}
      data-testid={`segment-refresh-${props.segmentId}`}
    >
      {props.withLabel ? t("segments.detail.refreshNow") : null}
    </Button>
  );
  return props.withLabel ? button : <Tooltip title={t("segments.action.refresh")}>{button}</Tooltip>;
}

/** A plain link to the CSV: the browser downloads it with the session cookie, however large. */
export function ExportSegmentButton(props: { segmentId: string; withLabel?: boolean }) {
  const t = useT();
  const { workspaceId } = useCurrentWorkspace();
  const button = (
    <Button
      size={props.withLabel ? "middle" : "small"}
      icon={<DownloadOutlined />}
      href={segmentExportUrl(workspaceId, props.segmentId)}
      download
      onClick={(e) => e.stopPropagation()}
      data-testid={`segment-export-${props.segmentId}`}
    >
      {props.withLabel ? t("segments.action.export") : null}
    </Button>
  );
  return props.withLabel ? button : <Tooltip title={t("segments.action.export")}>{button}</Tooltip>;
}

export function DeleteSegmentButton(props: { segmentId: string; name: string; withLabel?: boolean; onDeleted?: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const reportError = useReportApiError();
  const { workspaceId } = useCurrentWorkspace();
  const remove = useDeleteSegment(workspaceId);
  return (
    <Popconfirm
      title={t("segments.delete.title", { name: props.name })}
      description={<div style={{ maxWidth: 320 }}>{t("segments.delete.body")}</div>}
      okText={t("segments.action.delete")}
      okButtonProps={{ danger: true, loading: remove.isPending, ...testId(`segment-delete-confirm-${props.segmentId}`) }}
      onConfirm={() =>
        remove.mutateAsync(props.segmentId).then(
          () => {
            void message.success(t("segments.deleted"));
            props.onDeleted?.();
          },
          (error: unknown) => reportError(error),
        )
      }
      onPopupClick={(e) => e.stopPropagation()}
    >
      <Button
        size={props.withLabel ? "middle" : "small"}
        danger
        icon={<DeleteOutlined />}
        onClick={(e) => e.stopPropagation()}
        data-testid={`segment-delete-${props.segmentId}`}
      >
        {props.withLabel ? t("segments.action.delete") : null}
      </Button>
    </Popconfirm>
  );
}
