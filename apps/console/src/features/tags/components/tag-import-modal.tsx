import { InboxOutlined } from "@ant-design/icons";
import type { TagImportReportDto } from "@siyu/contracts";
import { Alert, Modal, Spin, Table, Typography, Upload } from "antd";
import { useState } from "react";
import { useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { useImportTags } from "../api/tags-api";

export function TagImportModal(props: { workspaceId: string; open: boolean; onClose: () => void }) {
  const t = useT();
  const upload = useImportTags(props.workspaceId);
  const reportError = useReportApiError();
  const [report, setReport] = useState<TagImportReportDto | null>(null);

  function start(file: File) {
    setReport(null);
    upload.mutate(file, { onSuccess: setReport, onError: (error) => reportError(error) });
  }

  return (
    <Modal open={props.open} title={t("tags.importTitle")} onCancel={props.onClose} footer={null} width={640} destroyOnHidden afterClose={() => setReport(null)}>
      <Typography.Paragraph type="secondary">{t("tags.importHelp")}</Typography.Paragraph>
      <Typography.Paragraph>
        <Typography.Text code>phone,tag,group</Typography.Text>
      </Typography.Paragraph>
      <Spin spinning={upload.isPending}>
        <Upload.Dragger
          accept=".csv,text/csv"
          multiple={false}
          fileList={[]}
          showUploadList={false}
          disabled={upload.isPending}
          beforeUpload={(file) => {
            start(file);
            // The file goes to the server as the raw body, not as antd's multipart form.
            return false;
          }}
          data-testid="tag-import-drop"
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p>{t("tags.importDrop")}</p>
        </Upload.Dragger>
      </Spin>
      {report ? (
        <div style={{ marginTop: 16 }} data-testid="tag-import-report">
          <Alert
            type={report.rejected > 0 ? "warning" : "success"}
            showIcon
            message={t("tags.importReport", { rows: report.rows, added: report.added, unchanged: report.unchanged, rejected: report.rejected })}
          />
          {report.errors.length > 0 ? (
            <Table
              size="small"
              style={{ marginTop: 8 }}
              rowKey={(e) => `${e.line}-${e.field}`}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              dataSource={report.errors}
              columns={[
                { title: t("tags.importLine"), dataIndex: "line", width: 80 },
                { title: t("tags.importField"), dataIndex: "field", width: 160 },
                { title: t("tags.importReason"), dataIndex: "reason" },
              ]}
            />
          ) : null}
        </div>
      ) : null}
    </Modal>
  );
}
