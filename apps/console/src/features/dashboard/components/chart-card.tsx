import { DownloadOutlined, LineChartOutlined, TableOutlined } from "@ant-design/icons";
import { Button, Card, Table, type TableColumnsType } from "antd";
import { useState, type ReactNode } from "react";
import { downloadTextFile } from "../../../lib/download";
import { useT } from "../../../lib/i18n";
import { toCsv } from "../dashboard-model";

/**
 * A chart with the two things every chart of the console offers: "view as table" (the same
 * numbers) and a CSV download of them.
 */
export function ChartCard<Row extends Record<string, string | number | null>>(props: {
  title: ReactNode;
  chart: ReactNode;
  rows: Row[];
  columns: { key: keyof Row & string; title: string; render?: (value: Row[keyof Row]) => ReactNode }[];
  fileName: string;
  testId: string;
  /** A row's key in the table; default its first column's value (which must then be unique). */
  rowKey?: (row: Row) => string;
}) {
  const t = useT();
  const [asTable, setAsTable] = useState(false);
  const columns: TableColumnsType<Row> = props.columns.map((c) => ({
    key: c.key,
    dataIndex: c.key,
    title: c.title,
    render: c.render ? (v: Row[keyof Row]) => c.render!(v) : undefined,
  }));
  const download = () =>
    downloadTextFile(props.fileName, toCsv(props.columns.map((c) => c.key), props.rows.map((r) => props.columns.map((c) => r[c.key] ?? null))));
  return (
    <Card
      title={props.title}
      data-testid={props.testId}
      extra={
        <>
          <Button
            size="small"
            type="text"
            icon={asTable ? <LineChartOutlined /> : <TableOutlined />}
            onClick={() => setAsTable(!asTable)}
            data-testid={`${props.testId}-toggle`}
          >
            {asTable ? t("dashboard.viewChart") : t("dashboard.viewTable")}
          </Button>
          <Button size="small" type="text" icon={<DownloadOutlined />} onClick={download} data-testid={`${props.testId}-csv`}>
            {t("dashboard.downloadCsv")}
          </Button>
        </>
      }
    >
      {asTable ? (
        <Table<Row> size="small" rowKey={props.rowKey ?? ((r) => String(r[props.columns[0]!.key]))} columns={columns} dataSource={props.rows} pagination={false} scroll={{ y: 360 }} data-testid={`${props.testId}-table`} />
      ) : (
        props.chart
      )}
    </Card>
  );
}
