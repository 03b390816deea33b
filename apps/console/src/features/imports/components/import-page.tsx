import { ArrowLeftOutlined, InboxOutlined } from "@ant-design/icons";
import { IMPORT_KINDS, type ImportKind, type Permission } from "@siyu/contracts";
import { Alert, Card, Form, Radio, Spin, Typography, Upload } from "antd";
import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { PageHeader } from "../../../components/page-header";
import { describeApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useImportCsv } from "../api/import-csv";
import { MAX_IMPORT_BYTES, checkImportFile, describeImportFailure, type ImportFileProblem } from "../import-file-check";
import { ImportColumnsHelp } from "./import-columns-help";
import { ImportReportView } from "./import-report-view";

const KIND_PERMISSION: Record<ImportKind, Permission> = { profiles: "customers.manage", orders: "orders.write", events: "customers.manage" };
const MAX_MB = MAX_IMPORT_BYTES / 1024 / 1024;

/** Upload a CSV of customers or orders and read the report. The kind is kept in the URL (`?kind=orders`). */
export function ImportPage() {
  const t = useT();
  const { workspaceId, can } = useCurrentWorkspace();
  const [searchParams, setSearchParams] = useSearchParams();
  const allowed = IMPORT_KINDS.filter((k) => can(KIND_PERMISSION[k]));
  const requested = searchParams.get("kind");
  const kind: ImportKind = allowed.find((k) => k === requested) ?? allowed[0] ?? "profiles";
  const upload = useImportCsv(workspaceId);
  const [fileProblem, setFileProblem] = useState<{ fileName: string; problem: ImportFileProblem } | null>(null);

  const chooseKind = (next: ImportKind) => {
    upload.reset();
    setFileProblem(null);
    setSearchParams(next === allowed[0] ? {} : { kind: next }, { replace: true });
  };

  const start = (file: File) => {
    upload.reset();
    const problem = checkImportFile(file);
    setFileProblem(problem ? { fileName: file.name, problem } : null);
    if (!problem) upload.mutate({ kind, file });
  };

  const fileName = upload.variables?.file.name ?? "";
  const failure = upload.isError ? describeImportFailure(upload.error) : null;
  const failureText = upload.isError ? describeApiError(upload.error, t) : "";
  // The message often names the column already: list only what it does not say.
  const failureColumns = failure?.columns.filter((c) => !failureText.includes(c.message)) ?? [];

  return (
    <>
      <PageHeader
        title={t("imports.title")}
        description={t("imports.description")}
        extra={
          <Link to={`/w/${workspaceId}/customers`} data-testid="import-back">
            <ArrowLeftOutlined /> {t("imports.back")}
          </Link>
        }
      />
      <Card style={{ marginBottom: 16 }}>
        <Form layout="vertical">
          <Form.Item label={t("imports.kind.label")}>
            <Radio.Group value={kind} onChange={(e) => chooseKind(e.target.value as ImportKind)} disabled={upload.isPending}>
              {allowed.map((k) => (
                <Radio.Button key={k} value={k} data-testid={`import-kind-${k}`}>
                  {t(`imports.kind.${k}`)}
                </Radio.Button>
              ))}
            </Radio.Group>
          </Form.Item>
        </Form>
        <ImportColumnsHelp kind={kind} />
      </Card>
      <Card>
        <Spin spinning={upload.isPending}>
          <div data-testid="import-upload">
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
            >
              <p className="ant-upload-drag-icon">
                <InboxOutlined />
              </p>
              <p className="ant-upload-text">{t("imports.upload.title")}</p>
              <p className="ant-upload-hint">{t("imports.upload.hint", { maxMb: MAX_MB })}</p>
            </Upload.Dragger>
          </div>
        </Spin>
        {upload.isPending ? (
          <Typography.Paragraph type="secondary" style={{ marginTop: 12 }} data-testid="import-uploading">
            {t("imports.upload.uploading", { fileName })}
          </Typography.Paragraph>
        ) : null}
        {fileProblem ? (
          <Alert
            type="error"
            showIcon
            style={{ marginTop: 16 }}
            message={
              fileProblem.problem.problem === "tooLarge"
                ? t("imports.upload.tooLarge", { fileName: fileProblem.fileName, maxMb: fileProblem.problem.maxMb })
                : t("imports.upload.empty", { fileName: fileProblem.fileName })
            }
            data-testid="import-file-problem"
          />
        ) : null}
        {failure ? (
          <Alert
            type="error"
            showIcon
            style={{ marginTop: 16 }}
            message={t("imports.failed.title", { fileName })}
            description={
              <>
                <div>{failureText}</div>
                {failureColumns.length > 0 ? (
                  <ul style={{ margin: "4px 0 0", paddingLeft: 20 }}>
                    {failureColumns.map((c) => (
                      <li key={c.column}>{t("imports.failed.column", { column: c.column, message: c.message })}</li>
                    ))}
                  </ul>
                ) : null}
              </>
            }
            data-testid="import-failed"
          />
        ) : null}
        {upload.data ? (
          <div style={{ marginTop: 24 }}>
            <ImportReportView
              report={upload.data}
              fileName={fileName}
              auditLogPath={can("audit.read") ? `/w/${workspaceId}/settings/audit-log?action=import.${upload.data.kind}` : null}
            />
          </div>
        ) : null}
      </Card>
    </>
  );
}
