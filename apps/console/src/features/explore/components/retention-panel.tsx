import type { AnalyticsInterval, RetentionQueryInput } from "@siyu/contracts";
import { Button, Empty, Form, Input, InputNumber, Select, Spin } from "antd";
import { useMemo, useState } from "react";
import { QueryErrorResult } from "../../../components/query-error-result";
import { useT } from "../../../lib/i18n";
import { useExplore } from "../api/explore-api";
import { buildRetentionCurves, buildRetentionHeatmap, retentionTable } from "../explore-charts";
import { defaultPeriod, PeriodPicker, SavedReportsBar, useLabels } from "./query-parts";
import { ResultCard } from "./result-card";

type Draft = { cohort: "first_event" | "first_order"; cohortEvent: string; returnEvent: string; interval: AnalyticsInterval; periods: number; mode: "bounded" | "unbounded"; period: RetentionQueryInput["period"] };

function toQuery(d: Draft): RetentionQueryInput {
  return {
    cohort: d.cohort === "first_order" ? { kind: "first_order" } : { kind: "first_event", event: d.cohortEvent.trim() },
    returnEvent: { event: d.returnEvent.trim() },
    interval: d.interval,
    periods: d.periods,
    mode: d.mode,
    period: d.period,
  };
}

function fromQuery(q: RetentionQueryInput): Draft {
  return {
    cohort: q.cohort.kind,
    cohortEvent: q.cohort.kind === "first_event" ? q.cohort.event : "",
    returnEvent: q.returnEvent.event,
    interval: q.interval ?? "week",
    periods: q.periods ?? 8,
    mode: q.mode ?? "bounded",
    period: q.period,
  };
}

export function RetentionPanel(props: { workspaceId: string; canManage: boolean }) {
  const t = useT();
  const labels = useLabels();
  const [draft, setDraft] = useState<Draft>({ cohort: "first_order", cohortEvent: "", returnEvent: "Order Completed", interval: "week", periods: 12, mode: "bounded", period: { ...defaultPeriod(), from: defaultPeriod().to.slice(0, 4) + "-01-01" } });
  const [submitted, setSubmitted] = useState<RetentionQueryInput | null>(null);
  const result = useExplore(props.workspaceId, "retention", submitted);
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const heatmap = useMemo(() => (result.data ? buildRetentionHeatmap(result.data, labels) : null), [result.data, labels]);
  const curves = useMemo(() => (result.data ? buildRetentionCurves(result.data, labels) : null), [result.data, labels]);
  return (
    <>
      <Form layout="inline" style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item label={t("explore.cohort")}>
          <Select value={draft.cohort} onChange={(cohort) => set({ cohort })} style={{ width: 140 }} options={(["first_order", "first_event"] as const).map((c) => ({ value: c, label: t(`explore.cohort.${c}`) }))} />
        </Form.Item>
        {draft.cohort === "first_event" ? (
          <Form.Item label={t("explore.event")}>
            <Input value={draft.cohortEvent} onChange={(e) => set({ cohortEvent: e.target.value })} style={{ width: 160 }} />
          </Form.Item>
        ) : null}
        <Form.Item label={t("explore.returnEvent")}>
          <Input value={draft.returnEvent} onChange={(e) => set({ returnEvent: e.target.value })} style={{ width: 160 }} />
        </Form.Item>
        <Form.Item label={t("explore.interval")}>
          <Select value={draft.interval} onChange={(interval) => set({ interval })} style={{ width: 100 }} options={(["day", "week", "month"] as const).map((i) => ({ value: i, label: t(`explore.interval.${i}`) }))} />
        </Form.Item>
        <Form.Item label={t("explore.periods")}>
          <InputNumber min={1} max={60} value={draft.periods} onChange={(v) => set({ periods: v ?? 1 })} style={{ width: 70 }} />
        </Form.Item>
        <Form.Item label={t("explore.mode")}>
          <Select value={draft.mode} onChange={(mode) => set({ mode })} style={{ width: 220 }} options={(["bounded", "unbounded"] as const).map((m) => ({ value: m, label: t(`explore.mode.${m}`) }))} />
        </Form.Item>
        <PeriodPicker value={draft.period} onChange={(period) => set({ period })} testId="explore-retention-period" />
        <Button type="primary" disabled={!draft.returnEvent.trim() || (draft.cohort === "first_event" && !draft.cohortEvent.trim())} onClick={() => setSubmitted(toQuery(draft))} data-testid="explore-retention-run">
          {t("explore.run")}
        </Button>
      </Form>
      <SavedReportsBar workspaceId={props.workspaceId} kind="retention" query={toQuery(draft)} canManage={props.canManage} onOpen={(q) => { setDraft(fromQuery(q)); setSubmitted(q); }} />
      <div style={{ marginTop: 16 }}>
        {result.error ? <QueryErrorResult error={result.error} /> : null}
        {!submitted ? <Empty description={t("explore.empty")} /> : null}
        <Spin spinning={result.isFetching}>
          {result.data && heatmap && curves ? (
            <>
              <ResultCard title={t("explore.retention.heatmap")} option={heatmap} table={retentionTable(result.data, labels)} fileName="retention.csv" testId="explore-retention" height={Math.max(240, 40 + result.data.cohorts.length * 28)} />
              <ResultCard title={t("explore.retention.curves")} option={curves} table={retentionTable(result.data, labels)} fileName="retention.csv" testId="explore-retention-curves" />
            </>
          ) : null}
        </Spin>
      </div>
    </>
  );
}
