import type { PathsQueryInput } from "@siyu/contracts";
import { Button, Empty, Form, Input, InputNumber, Select, Spin } from "antd";
import { useMemo, useState } from "react";
import { QueryErrorResult } from "../../../components/query-error-result";
import { useT } from "../../../lib/i18n";
import { useExplore } from "../api/explore-api";
import { buildPathsOption, pathsTable } from "../explore-charts";
import { defaultPeriod, PeriodPicker, SavedReportsBar, useLabels } from "./query-parts";
import { ResultCard } from "./result-card";

type Draft = { event: string; direction: "next" | "previous"; depth: number; limit: number; period: PathsQueryInput["period"] };

export function PathsPanel(props: { workspaceId: string; canManage: boolean }) {
  const t = useT();
  const labels = useLabels();
  const [draft, setDraft] = useState<Draft>({ event: "Product Viewed", direction: "next", depth: 3, limit: 5, period: defaultPeriod() });
  const [submitted, setSubmitted] = useState<PathsQueryInput | null>(null);
  const result = useExplore(props.workspaceId, "paths", submitted);
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const option = useMemo(() => (result.data ? buildPathsOption(result.data, labels) : null), [result.data, labels]);
  const query: PathsQueryInput = { ...draft, event: draft.event.trim() };
  return (
    <>
      <Form layout="inline" style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item label={t("explore.event")}>
          <Input value={draft.event} onChange={(e) => set({ event: e.target.value })} style={{ width: 180 }} />
        </Form.Item>
        <Form.Item label={t("explore.direction")}>
          <Select value={draft.direction} onChange={(direction) => set({ direction })} style={{ width: 160 }} options={(["next", "previous"] as const).map((d) => ({ value: d, label: t(`explore.direction.${d}`) }))} />
        </Form.Item>
        <Form.Item label={t("explore.depth")}>
          <InputNumber min={1} max={5} value={draft.depth} onChange={(v) => set({ depth: v ?? 1 })} style={{ width: 64 }} />
        </Form.Item>
        <Form.Item label={t("explore.limit")}>
          <InputNumber min={1} max={20} value={draft.limit} onChange={(v) => set({ limit: v ?? 1 })} style={{ width: 64 }} />
        </Form.Item>
        <PeriodPicker value={draft.period} onChange={(period) => set({ period })} testId="explore-paths-period" />
        <Button type="primary" disabled={!draft.event.trim()} onClick={() => setSubmitted(query)} data-testid="explore-paths-run">
          {t("explore.run")}
        </Button>
      </Form>
      <SavedReportsBar
        workspaceId={props.workspaceId}
        kind="paths"
        query={query}
        canManage={props.canManage}
        onOpen={(q) => {
          setDraft({ event: q.event, direction: q.direction ?? "next", depth: q.depth ?? 3, limit: q.limit ?? 5, period: q.period });
          setSubmitted(q);
        }}
      />
      <div style={{ marginTop: 16 }}>
        {result.error ? <QueryErrorResult error={result.error} /> : null}
        {!submitted ? <Empty description={t("explore.empty")} /> : null}
        <Spin spinning={result.isFetching}>
          {result.data && option ? <ResultCard title={`${submitted?.event} · ${result.data.customers.toLocaleString()}`} option={option} table={pathsTable(result.data, labels)} fileName="paths.csv" testId="explore-paths" height={420} /> : null}
        </Spin>
      </div>
    </>
  );
}
