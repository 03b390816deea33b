import { DownloadOutlined } from "@ant-design/icons";
import { Button, Card, Segmented, Table, type TableColumnsType } from "antd";
import { useState, type ReactNode } from "react";
import { toCsv } from "../lib/csv";
import { downloadTextFile } from "../lib/download";
import { useT } from "../lib/i18n";
import { EChart, type EChartOption } from "./echart";

export interface ChartPanelColumn<Row> {
  key: string;
  title: string;
  value: (row: Row) => string | number | null;
  /** How the table shows the value (the CSV keeps the raw value). */
  render?: (row: Row) => ReactNode;
  align?: "left" | "right";
}

/**
 * A chart card every analytical view shares: the chart, or the same figures as a table, and the
 * figures as a CSV download.
 */
export function ChartPanel<Row>(props: {
  title: ReactNode;
  option: EChartOption;
  rows: readonly Row[];
  columns: readonly ChartPanelColumn<Row>[];
  rowKey: (row: Row) => string;
  fileName: string;
  height?: number;
  extra?: ReactNode;
  testId: string;
}) {
  const t = useT();
  const [view, setView] = useState<"chart" | "table">("chart");
  const download = () =>
    downloadTextFile(
      props.fileName,
      toCsv(
        props.columns.map((c) => c.title),
        props.rows.map((row) => props.columns.map((c) => c.value(row))),
      ),
    );
  const columns: TableColumnsType<Row> = props.columns.map((c) => ({
    key: c.key,
    title: c.title,
    align: c.align,
    render: (_: unknown, row: Row) => (c.render ? c.render(row) : c.value(row)),
  }));
  return (
    <Card
      title={props.title}
      data-testid={props.testId}
      extra={
        <>
          {props.extra}
          <Segmented
            size="small"
            value={view}
            onChange={(v) => setView(v as "chart" | "table")}
            options={[
              { value: "chart", label: t("chartPanel.chart") },
              { value: "table", label: t("chartPanel.table") },
            ]}
            data-testid={`${props.testId}-view`}
          />
          <Button size="small" icon={<DownloadOutlined />} onClick={download} style={{ marginLeft: 8 }} data-testid={`${props.testId}-csv`}>
            CSV
          </Button>
        </>
      }
    >
      {view === "chart" ? (
        <EChart option={props.option} style={{ height: props.height ?? 320 }} data-testid={`${props.testId}-chart`} />
      ) : (
        <Table<Row>
          size="small"
          pagination={false}
          scroll={{ x: true }}
          rowKey={props.rowKey}
          columns={columns}
          dataSource={[...props.rows]}
          data-testid={`${props.testId}-table`}
        />
      )}
    </Card>
  );
}
