import type { SegmentPreviewDto } from "@siyu/contracts";
import { Alert, Card, Flex, Spin, Statistic, Typography } from "antd";
import { describeApiError } from "../../../lib/api";
import { useLanguage, useT } from "../../../lib/i18n";
import { MemberTable } from "./member-table";

export type PreviewState =
  | { kind: "incomplete" }
  | { kind: "invalid" }
  | { kind: "error"; error: unknown }
  | { kind: "ready"; data: SegmentPreviewDto | undefined; pending: boolean };

/** The builder's live count: how many customers match now, how long it took, and some of them. */
export function SegmentPreviewPanel(props: { state: PreviewState }) {
  const t = useT();
  const { lang } = useLanguage();
  const { state } = props;
  const data = state.kind === "ready" ? state.data : undefined;
  const pending = state.kind === "ready" && state.pending;
  return (
    <Card title={t("segments.preview.title")} size="small" style={{ position: "sticky", top: 80 }}>
      <div
        data-testid="segment-preview"
        data-state={state.kind === "ready" ? (pending || !data ? "pending" : "ready") : state.kind}
        data-count={data?.count ?? ""}
      >
        <Flex align="baseline" gap={12} wrap>
          <Statistic
            value={data ? data.count.toLocaleString(lang) : "—"}
            suffix={data ? <Typography.Text type="secondary">{t("segments.preview.unit")}</Typography.Text> : null}
            valueStyle={{ fontSize: 36, opacity: pending ? 0.5 : 1 }}
          />
          {pending ? <Spin size="small" /> : null}
        </Flex>
        {data ? (
          <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="segment-preview-took">
            {pending ? t("segments.preview.counting") : t("segments.preview.took", { ms: Math.round(data.tookMs) })}
          </Typography.Text>
        ) : null}
        {state.kind === "incomplete" ? <Alert style={{ marginTop: 8 }} type="info" showIcon message={t("segments.preview.incomplete")} /> : null}
        {state.kind === "invalid" ? <Alert style={{ marginTop: 8 }} type="error" showIcon message={t("segments.preview.invalid")} /> : null}
        {state.kind === "error" ? <Alert style={{ marginTop: 8 }} type="error" showIcon message={describeApiError(state.error, t)} /> : null}
      </div>
      {data ? (
        <div style={{ marginTop: 16 }}>
          <Typography.Text strong>{t("segments.preview.sample")}</Typography.Text>
          <MemberTable members={data.sample} emptyText={t("segments.preview.sampleEmpty")} testId="segment-preview-sample" compact />
        </div>
      ) : null}
    </Card>
  );
}
