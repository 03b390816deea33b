import { DEFAULT_FUNNEL_STEPS, type FunnelDroppedPageDto, type FunnelQueryInput, type FunnelStepDto } from "@siyu/contracts";
import { App, Button, Empty, Flex, Form, Input, InputNumber, Modal, Select, Spin, Statistic, Table, Typography } from "antd";
import { useMemo, useState } from "react";
import { QueryErrorResult } from "../../../components/query-error-result";
import { useReportApiError } from "../../../lib/api/use-report-api-error";
import { useT } from "../../../lib/i18n";
import { fetchDropped, useExplore, useSaveDroppedSegment } from "../api/explore-api";
import { buildFunnelOption, funnelTable, groupLabel } from "../explore-charts";
import { defaultPeriod, PeriodPicker, SavedReportsBar, useLabels } from "./query-parts";
import { ResultCard } from "./result-card";

type Unit = "minute" | "hour" | "day";
type Draft = { steps: string[]; window: number; unit: Unit; order: "loose" | "strict"; period: FunnelQueryInput["period"]; breakdown: string };

function toQuery(d: Draft): FunnelQueryInput {
  return {
    steps: d.steps.map((event) => ({ event })),
    window: { value: d.window, unit: d.unit },
    order: d.order,
    period: d.period,
    ...(d.breakdown.trim() ? { breakdown: { property: d.breakdown.trim(), limit: 10 } } : {}),
  };
}

function fromQuery(q: FunnelQueryInput): Draft {
  return { steps: q.steps.map((s) => s.event), window: q.window?.value ?? 7, unit: q.window?.unit ?? "day", order: q.order ?? "loose", period: q.period, breakdown: q.breakdown?.property ?? "" };
}

const duration = (seconds: number | null) => (seconds === null ? "—" : seconds < 3600 ? `${Math.round(seconds / 60)} min` : seconds < 86_400 ? `${(seconds / 3600).toFixed(1)} h` : `${(seconds / 86_400).toFixed(1)} d`);
const percent = (v: number | null) => (v === null ? "—" : `${(v * 100).toFixed(1)}%`);

export function FunnelPanel(props: { workspaceId: string; canManage: boolean; canSaveSegment: boolean }) {
  const t = useT();
  const labels = useLabels();
  const [draft, setDraft] = useState<Draft>({ steps: DEFAULT_FUNNEL_STEPS.map((s) => s.event), window: 7, unit: "day", order: "loose", period: defaultPeriod(), breakdown: "" });
  const [submitted, setSubmitted] = useState<FunnelQueryInput | null>(null);
  const [drill, setDrill] = useState<number | null>(null);
  const result = useExplore(props.workspaceId, "funnel", submitted);
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const option = useMemo(() => (result.data ? buildFunnelOption(result.data) : null), [result.data]);
  const all = result.data?.series[0];
  return (
    <>
      <Form layout="inline" style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item label={t("explore.steps")}>
          <Select mode="tags" value={draft.steps} onChange={(steps: string[]) => set({ steps })} style={{ minWidth: 420 }} tokenSeparators={[","]} data-testid="explore-funnel-steps" />
        </Form.Item>
        <Form.Item label={t("explore.window")}>
          <Flex gap={4}>
            <InputNumber min={1} max={1000} value={draft.window} onChange={(v) => set({ window: v ?? 1 })} style={{ width: 80 }} />
            <Select value={draft.unit} onChange={(unit) => set({ unit })} style={{ width: 90 }} options={(["minute", "hour", "day"] as const).map((u) => ({ value: u, label: t(`explore.unit.${u}`) }))} />
          </Flex>
        </Form.Item>
        <Form.Item label={t("explore.order")}>
          <Select value={draft.order} onChange={(order) => set({ order })} style={{ width: 220 }} options={(["loose", "strict"] as const).map((o) => ({ value: o, label: t(`explore.order.${o}`) }))} />
        </Form.Item>
        <PeriodPicker value={draft.period} onChange={(period) => set({ period })} testId="explore-funnel-period" />
        <Form.Item label={t("explore.breakdown")}>
          <Input value={draft.breakdown} placeholder={t("explore.breakdown.hint")} onChange={(e) => set({ breakdown: e.target.value })} style={{ width: 220 }} />
        </Form.Item>
        <Button type="primary" disabled={draft.steps.length < 2} onClick={() => setSubmitted(toQuery(draft))} data-testid="explore-funnel-run">
          {t("explore.run")}
        </Button>
      </Form>
      <SavedReportsBar workspaceId={props.workspaceId} kind="funnel" query={toQuery(draft)} canManage={props.canManage} onOpen={(q) => { setDraft(fromQuery(q)); setSubmitted(q); }} />
      <div style={{ marginTop: 16 }}>
        {result.error ? <QueryErrorResult error={result.error} /> : null}
        {!submitted ? <Empty description={t("explore.empty")} /> : null}
        <Spin spinning={result.isFetching}>
          {result.data && option && all ? (
            <>
              <Flex gap={48} style={{ marginBottom: 16 }}>
                <Statistic title={t("explore.conversion")} value={percent(all.conversion)} data-testid="explore-funnel-conversion" />
                <Statistic title={t("explore.timeToConvert")} value={duration(all.timeToConvert?.median ?? null)} />
              </Flex>
              <ResultCard title={t("explore.tab.funnel")} option={option} table={funnelTable(result.data, labels)} fileName="funnel.csv" testId="explore-funnel" />
              <Table<FunnelStepDto & { index: number }>
                size="small"
                rowKey="index"
                pagination={false}
                dataSource={all.steps.map((s, index) => ({ ...s, index }))}
                data-testid="explore-funnel-steps-table"
                columns={[
                  { title: labels.step, render: (_, s) => `${s.index + 1}. ${s.event}` },
                  { title: labels.count, dataIndex: "count", align: "right", render: (n: number, s) => <span data-testid={`explore-funnel-count-${s.index}`}>{n.toLocaleString()}</span> },
                  { title: labels.fromPrevious, dataIndex: "fromPrevious", align: "right", render: percent },
                  { title: labels.fromFirst, dataIndex: "fromFirst", align: "right", render: percent },
                  { title: labels.median, dataIndex: "medianSecondsFromPrevious", align: "right", render: duration },
                  ...result.data.series.slice(1).map((g) => ({ title: groupLabel(g.group, labels), key: JSON.stringify(g.group), align: "right" as const, render: (_: unknown, s: { index: number }) => g.steps[s.index]?.count.toLocaleString() })),
                  {
                    title: "",
                    key: "drill",
                    render: (_, s) => (s.index > 0 ? <Button size="small" onClick={() => setDrill(s.index)} data-testid={`explore-funnel-drill-${s.index}`}>{t("explore.dropped")}</Button> : null),
                  },
                ]}
              />
            </>
          ) : null}
        </Spin>
      </div>
      {drill !== null && submitted ? (
        <DroppedModal workspaceId={props.workspaceId} query={submitted} step={drill} canSave={props.canSaveSegment} onClose={() => setDrill(null)} />
      ) : null}
    </>
  );
}

function DroppedModal(props: { workspaceId: string; query: FunnelQueryInput; step: number; canSave: boolean; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const report = useReportApiError();
  const [pages, setPages] = useState<FunnelDroppedPageDto[]>([]);
  const [loading, setLoading] = useState(false);
  const [name, setName] = useState("");
  const save = useSaveDroppedSegment(props.workspaceId);
  const load = (cursor?: string) => {
    setLoading(true);
    fetchDropped(props.workspaceId, { query: props.query, step: props.step, limit: 50, cursor })
      .then((page) => setPages((before) => [...before, page]))
      .catch((error: unknown) => report(error))
      .finally(() => setLoading(false));
  };
  if (pages.length === 0 && !loading) load();
  const last = pages[pages.length - 1];
  const stepName = props.query.steps[props.step]?.event ?? "";
  return (
    <Modal open title={t("explore.dropped.title", { step: stepName })} onCancel={props.onClose} footer={null} width={640}>
      <Typography.Paragraph type="secondary">{last ? last.total.toLocaleString() : "…"}</Typography.Paragraph>
      <Table
        size="small"
        rowKey="profileId"
        loading={loading}
        pagination={false}
        dataSource={pages.flatMap((p) => p.items)}
        columns={[
          { title: "ID", dataIndex: "profileId", render: (id: string) => <Typography.Text code>{id.slice(-12)}</Typography.Text> },
          { title: t("explore.label.customers"), dataIndex: "name" },
          { title: "", dataIndex: "lastStepAt", render: (at: string) => new Date(at).toLocaleString() },
        ]}
        data-testid="explore-dropped-table"
      />
      {last?.nextCursor ? <Button style={{ marginTop: 8 }} onClick={() => load(last.nextCursor ?? undefined)}>…</Button> : null}
      {props.canSave ? (
        <Flex gap={8} style={{ marginTop: 16 }}>
          <Input placeholder={t("explore.dropped.name")} value={name} maxLength={100} onChange={(e) => setName(e.target.value)} data-testid="explore-dropped-name" />
          <Button
            type="primary"
            disabled={!name.trim()}
            loading={save.isPending}
            onClick={() =>
              save.mutate(
                { query: props.query, step: props.step, name: name.trim() },
                { onSuccess: (saved) => { void message.success(t("explore.dropped.saved", { size: saved.size })); props.onClose(); }, onError: (error) => report(error) },
              )
            }
            data-testid="explore-dropped-save"
          >
            {t("explore.dropped.save")}
          </Button>
        </Flex>
      ) : null}
    </Modal>
  );
}
