import type { AnalyticsInterval, EventsQueryInput } from "@siyu/contracts";
import { Button, Empty, Form, Input, Segmented, Select, Spin } from "antd";
import { useMemo, useState } from "react";
import { QueryErrorResult } from "../../../components/query-error-result";
import { useT } from "../../../lib/i18n";
import { useExplore } from "../api/explore-api";
import { buildEventsOption, eventsTable } from "../explore-charts";
import { defaultPeriod, PeriodPicker, SavedReportsBar, useLabels } from "./query-parts";
import { ResultCard } from "./result-card";

type Draft = { event: string; measure: "count" | "unique" | "sum"; property: string; interval: AnalyticsInterval; period: EventsQueryInput["period"]; breakdown: string };

function toQuery(d: Draft): EventsQueryInput {
  return {
    event: d.event.trim(),
    measure: d.measure === "sum" ? { kind: "sum", property: d.property.trim() || "revenue" } : { kind: d.measure },
    interval: d.interval,
    period: d.period,
    ...(d.breakdown.trim() ? { breakdown: { property: d.breakdown.trim(), limit: 10 } } : {}),
  };
}

function fromQuery(q: EventsQueryInput): Draft {
  const m = q.measure ?? { kind: "count" as const };
  return { event: q.event, measure: m.kind, property: m.kind === "sum" ? m.property : "", interval: q.interval ?? "day", period: q.period, breakdown: q.breakdown?.property ?? "" };
}

export function EventsPanel(props: { workspaceId: string; canManage: boolean }) {
  const t = useT();
  const labels = useLabels();
  const [draft, setDraft] = useState<Draft>({ event: "Order Completed", measure: "count", property: "", interval: "day", period: defaultPeriod(), breakdown: "" });
  const [submitted, setSubmitted] = useState<EventsQueryInput | null>(null);
  const [chart, setChart] = useState<"line" | "bar">("line");
  const result = useExplore(props.workspaceId, "events", submitted);
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const option = useMemo(() => (result.data ? buildEventsOption(result.data, labels, chart) : null), [result.data, labels, chart]);
  return (
    <>
      <Form layout="inline" style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item label={t("explore.event")}>
          <Input value={draft.event} onChange={(e) => set({ event: e.target.value })} style={{ width: 180 }} data-testid="explore-events-event" />
        </Form.Item>
        <Form.Item label={t("explore.measure")}>
          <Select value={draft.measure} onChange={(measure) => set({ measure })} style={{ width: 160 }} options={(["count", "unique", "sum"] as const).map((m) => ({ value: m, label: t(`explore.measure.${m}`) }))} />
        </Form.Item>
        {draft.measure === "sum" ? (
          <Form.Item label={t("explore.property")}>
            <Input value={draft.property} placeholder="revenue" onChange={(e) => set({ property: e.target.value })} style={{ width: 140 }} />
          </Form.Item>
        ) : null}
        <Form.Item label={t("explore.interval")}>
          <Select value={draft.interval} onChange={(interval) => set({ interval })} style={{ width: 100 }} options={(["day", "week", "month"] as const).map((i) => ({ value: i, label: t(`explore.interval.${i}`) }))} />
        </Form.Item>
        <PeriodPicker value={draft.period} onChange={(period) => set({ period })} testId="explore-events-period" />
        <Form.Item label={t("explore.breakdown")}>
          <Input value={draft.breakdown} placeholder={t("explore.breakdown.hint")} onChange={(e) => set({ breakdown: e.target.value })} style={{ width: 220 }} />
        </Form.Item>
        <Button type="primary" disabled={!draft.event.trim()} onClick={() => setSubmitted(toQuery(draft))} data-testid="explore-events-run">
          {t("explore.run")}
        </Button>
      </Form>
      <SavedReportsBar workspaceId={props.workspaceId} kind="events" query={toQuery(draft)} canManage={props.canManage} onOpen={(q) => { setDraft(fromQuery(q)); setSubmitted(q); }} />
      <div style={{ marginTop: 16 }}>
        {result.error ? <QueryErrorResult error={result.error} /> : null}
        {!submitted ? <Empty description={t("explore.empty")} /> : null}
        <Spin spinning={result.isFetching}>
          {result.data && option ? (
            <ResultCard
              title={`${submitted?.event} · ${result.data.total.toLocaleString()}`}
              option={option}
              table={eventsTable(result.data, labels)}
              fileName={`events-${submitted?.event}.csv`}
              testId="explore-events"
              extra={<Segmented size="small" value={chart} onChange={(v) => setChart(v as "line" | "bar")} options={[{ value: "line", label: t("explore.chart.line") }, { value: "bar", label: t("explore.chart.bar") }]} />}
            />
          ) : null}
        </Spin>
      </div>
    </>
  );
}
