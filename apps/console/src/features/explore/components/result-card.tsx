import { DownloadOutlined, TableOutlined, BarChartOutlined } from "@ant-design/icons";
import { Button, Card, Flex, Table } from "antd";
import { useState, type ReactNode } from "react";
import { EChart, type EChartOption } from "../../../components/echart";
import { downloadTextFile } from "../../../lib/download";
import { useT } from "../../../lib/i18n";
import { tableCsv, type ResultTable } from "../explore-charts";

/** A chart with "view as table" and a CSV download of the same numbers. */
export function ResultCard(props: { title: ReactNode; option: EChartOption; table: ResultTable; fileName: string; testId: string; height?: number; extra?: ReactNode }) {
  const t = useT();
  const [asTable, setAsTable] = useState(false);
  return (
    <Card
      title={props.title}
      extra={
        <Flex gap={8}>
          {props.extra}
          <Button size="small" icon={asTable ? <BarChartOutlined /> : <TableOutlined />} onClick={() => setAsTable(!asTable)} data-testid={`${props.testId}-toggle`}>
            {asTable ? t("explore.viewChart") : t("explore.viewTable")}
          </Button>
          <Button size="small" icon={<DownloadOutlined />} onClick={() => downloadTextFile(props.fileName, tableCsv(props.table))} data-testid={`${props.testId}-csv`}>
            {t("explore.csv")}
          </Button>
        </Flex>
      }
      style={{ marginBottom: 16 }}
    >
      {asTable ? (
        <Table
          size="small"
          rowKey={(_, i) => String(i)}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          scroll={{ x: true }}
          dataSource={props.table.rows.map((row) => Object.fromEntries(row.map((v, i) => [String(i), v])))}
          columns={props.table.columns.map((title, i) => ({ title, dataIndex: String(i), key: String(i) }))}
          data-testid={`${props.testId}-table`}
        />
      ) : (
        <EChart option={props.option} style={{ height: props.height ?? 320 }} data-testid={`${props.testId}-chart`} />
      )}
    </Card>
  );
}
