import { Card, Descriptions, Tag, Typography } from "antd";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useCustomerScores } from "../api/get-score-overviews";
import { useScoreLabels } from "./use-score-labels";

/** The customer page's scores: R / F / M, cell and layer, lifecycle stage, value tier. */
export function CustomerScoresCard(props: { profileId: string }) {
  const t = useT();
  const labels = useScoreLabels();
  const { workspaceId, can } = useCurrentWorkspace();
  const scores = useCustomerScores(workspaceId, props.profileId, can("segments.read"));
  if (!can("segments.read")) return null;
  const s = scores.data;
  return (
    <Card title={t("scores.card.title")} loading={scores.isLoading} data-testid="customer-scores" size="small">
      {!s || s.computedAt === null ? (
        <Typography.Text type="secondary">{t("scores.card.notComputed")}</Typography.Text>
      ) : (
        <Descriptions size="small" column={1}>
          <Descriptions.Item label={t("scores.card.rfm")}>
            {s.r === null ? (
              <Typography.Text type="secondary">{t("scores.card.noOrders")}</Typography.Text>
            ) : (
              <span data-testid="customer-scores-rfm">
                {s.r} / {s.f} / {s.m}
                <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                  {t("scores.card.recency", { days: s.recencyDays ?? 0 })} · {t("scores.card.frequency", { count: s.frequency ?? 0 })} ·{" "}
                  {labels.major(s.monetary ?? 0)}
                </Typography.Text>
              </span>
            )}
          </Descriptions.Item>
          {s.cell ? (
            <Descriptions.Item label={t("scores.rfm.cell")}>
              <Tag data-testid="customer-scores-cell">{labels.cell(s.cell)}</Tag>
              {s.layer ? <Tag color="blue">{labels.layer(s.layer)}</Tag> : null}
            </Descriptions.Item>
          ) : null}
          <Descriptions.Item label={t("scores.card.stage")}>{s.lifecycleStage ? labels.stage(s.lifecycleStage) : "—"}</Descriptions.Item>
          <Descriptions.Item label={t("scores.card.tier")}>{s.valueTier ? labels.tier(s.valueTier) : "—"}</Descriptions.Item>
        </Descriptions>
      )}
    </Card>
  );
}
