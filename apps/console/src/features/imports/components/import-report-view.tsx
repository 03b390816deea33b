import { DownloadOutlined } from "@ant-design/icons";
import type { ImportReportDto, ImportRowError } from "@siyu/contracts";
import { Button, Card, Col, Flex, Row, Statistic, Table, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { Link } from "react-router";
import { downloadTextFile } from "../../../lib/download";
import { useT } from "../../../lib/i18n";
import { rowTestId } from "../../../lib/test-id";
import { importErrorsCsv, importErrorsFileName } from "../import-errors-csv";

type Stat = "rows" | "accepted" | "duplicates" | "rejected";

const STAT_COLORS: Partial<Record<Stat, string>> = { accepted: "#3f8600", rejected: "#cf1322" };

/** What an upload did: the four counts, then every listed row error. */
export function ImportReportView(props: { report: ImportReportDto; fileName: string; auditLogPath: string | null }) {
  const t = useT();
  const { report } = props;

  const columns: TableColumnsType<ImportRowError> = [
    { title: t("imports.errors.line"), dataIndex: "line", width: 90 },
    { title: t("imports.errors.field"), dataIndex: "field", width: 200, render: (field: string) => <code>{field}</code> },
    { title: t("imports.errors.reason"), dataIndex: "reason" },
  ];

  return (
    <div data-testid="import-report">
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        {t("imports.report.title", { fileName: props.fileName })}
      </Typography.Title>
      <Row gutter={[16, 16]}>
        {(["rows", "accepted", "duplicates", "rejected"] as const).map((stat) => (
          <Col key={stat} xs={12} md={6}>
            <Card size="small" data-testid={`import-stat-${stat}`}>
              <Statistic
                title={t(`imports.report.${stat}`)}
                value={report[stat]}
                valueStyle={report[stat] > 0 && STAT_COLORS[stat] ? { color: STAT_COLORS[stat] } : undefined}
              />
            </Card>
          </Col>
        ))}
      </Row>
      <Flex gap={16} wrap align="center" style={{ margin: "12px 0" }}>
        <Typography.Text type="secondary">
          {report.accepted > 0 ? t("imports.report.projecting") : null} {report.duplicates > 0 ? t("imports.report.duplicatesHint") : null}
        </Typography.Text>
        {props.auditLogPath ? (
          <Link to={props.auditLogPath} data-testid="import-audit-link">
            {t("imports.auditLink")}
          </Link>
        ) : null}
      </Flex>
      {report.errors.length > 0 ? (
        <Card
          size="small"
          title={t("imports.errors.title")}
          extra={
            <Button
              size="small"
              icon={<DownloadOutlined />}
              onClick={() => downloadTextFile(importErrorsFileName(props.fileName), importErrorsCsv(report.errors))}
              data-testid="import-errors-download"
            >
              {t("imports.errors.download")}
            </Button>
          }
        >
          <Typography.Paragraph type="secondary">{t("imports.errors.hint")}</Typography.Paragraph>
          <Table<ImportRowError>
            size="small"
            rowKey={(e) => `${e.line}:${e.field}:${e.reason}`}
            columns={columns}
            dataSource={report.errors}
            pagination={report.errors.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
            onRow={(e) => rowTestId(`import-error-${e.line}-${e.field}`)}
            data-testid="import-errors-table"
          />
          {report.errorsOmitted > 0 ? (
            <Typography.Paragraph type="warning" style={{ marginTop: 12, marginBottom: 0 }} data-testid="import-errors-omitted">
              {t("imports.errors.omitted", { count: report.errorsOmitted })}
            </Typography.Paragraph>
          ) : null}
        </Card>
      ) : null}
    </div>
  );
}
