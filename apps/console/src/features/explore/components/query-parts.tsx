import { DeleteOutlined, FolderOpenOutlined, SaveOutlined } from "@ant-design/icons";
import type { AnalyticsPeriod } from "@siyu/contracts";
import { App, Button, DatePicker, Flex, Form, Input, Modal, Popconfirm, Select } from "antd";
import dayjs from "dayjs";
import { useState } from "react";
import { useT } from "../../../lib/i18n";
import { useReportApiError } from "../../../lib/api/use-report-api-error";
import { useDeleteReport, useSavedReports, useSaveReport, type ExploreKind } from "../api/explore-api";
import type { Labels } from "../explore-charts";

/** The last 30 local days, today included. */
export function defaultPeriod(): AnalyticsPeriod {
  return { from: dayjs().subtract(29, "day").format("YYYY-MM-DD"), to: dayjs().format("YYYY-MM-DD") };
}

export function PeriodPicker(props: { value: AnalyticsPeriod; onChange: (p: AnalyticsPeriod) => void; testId: string }) {
  const t = useT();
  return (
    <Form.Item label={t("explore.period")}>
      <DatePicker.RangePicker
        allowClear={false}
        value={[dayjs(props.value.from), dayjs(props.value.to)]}
        onChange={(range) => {
          if (range?.[0] && range[1]) props.onChange({ from: range[0].format("YYYY-MM-DD"), to: range[1].format("YYYY-MM-DD") });
        }}
        data-testid={props.testId}
      />
    </Form.Item>
  );
}

export function useLabels(): Labels {
  const t = useT();
  return {
    all: t("explore.label.all"),
    other: t("explore.label.other"),
    none: t("explore.label.none"),
    step: t("explore.label.step"),
    count: t("explore.label.count"),
    fromPrevious: t("explore.label.fromPrevious"),
    fromFirst: t("explore.label.fromFirst"),
    median: t("explore.label.median"),
    cohort: t("explore.label.cohort"),
    size: t("explore.label.size"),
    period: t("explore.label.period"),
    source: t("explore.label.source"),
    target: t("explore.label.target"),
    customers: t("explore.label.customers"),
  };
}

/** Save the current query as a report, or open / delete a saved one of this kind. */
export function SavedReportsBar<Q extends object>(props: { workspaceId: string; kind: ExploreKind; query: Q; canManage: boolean; onOpen: (query: Q) => void }) {
  const t = useT();
  const { message } = App.useApp();
  const report = useReportApiError();
  const reports = useSavedReports(props.workspaceId, props.kind);
  const save = useSaveReport(props.workspaceId);
  const remove = useDeleteReport(props.workspaceId);
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState("");
  const items = reports.data?.items ?? [];
  return (
    <Flex gap={8} wrap>
      <Select
        style={{ minWidth: 220 }}
        placeholder={t("explore.open")}
        suffixIcon={<FolderOpenOutlined />}
        value={null}
        options={items.map((r) => ({ value: r.id, label: r.name }))}
        onChange={(id: string) => {
          const found = items.find((r) => r.id === id);
          if (found) props.onOpen(found.query as Q);
        }}
        optionRender={(option) => (
          <Flex justify="space-between" align="center">
            <span>{option.label}</span>
            {props.canManage ? (
              <Popconfirm title={t("explore.delete")} onConfirm={(e) => { e?.stopPropagation(); remove.mutate(String(option.value)); }}>
                <DeleteOutlined onClick={(e) => e.stopPropagation()} />
              </Popconfirm>
            ) : null}
          </Flex>
        )}
        data-testid={`explore-${props.kind}-open`}
      />
      {props.canManage ? (
        <Button icon={<SaveOutlined />} onClick={() => setNaming(true)} data-testid={`explore-${props.kind}-save`}>
          {t("explore.save")}
        </Button>
      ) : null}
      <Modal
        open={naming}
        title={t("explore.save")}
        okButtonProps={{ disabled: !name.trim(), loading: save.isPending }}
        onCancel={() => setNaming(false)}
        onOk={() =>
          save.mutate(
            { kind: props.kind, name: name.trim(), query: props.query },
            {
              onSuccess: () => {
                setNaming(false);
                setName("");
                void message.success(t("explore.saved"));
              },
              onError: (error) => report(error),
            },
          )
        }
      >
        <Input placeholder={t("explore.saveName")} value={name} onChange={(e) => setName(e.target.value)} maxLength={200} data-testid={`explore-${props.kind}-save-name`} />
      </Modal>
    </Flex>
  );
}
