import { PlusOutlined } from "@ant-design/icons";
import type { BadgeDto, SegmentRule } from "@siyu/contracts";
import { SegmentRule as SegmentRuleSchema } from "@siyu/contracts";
import { App, Button, Drawer, Flex, Form, Input, InputNumber, Popconfirm, Select, Space, Switch, Table, Tag } from "antd";
import { useState, type ReactNode } from "react";
import { QueryErrorResult } from "../../../components/query-error-result";
import { useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useArchiveBadge, useBadges, useEvaluateBadge, useSaveBadge } from "../api/engagement";

type BadgeFormValues = Pick<BadgeDto, "code" | "nameZh" | "nameEn" | "kind" | "revokeWhenNoLongerMatching" | "status"> & { rewardPoints?: number | null };
const BADGE_FIELDS = ["code", "nameZh", "nameEn", "kind", "revokeWhenNoLongerMatching", "rewardPoints", "status"] as const;
const EMPTY: BadgeFormValues = { code: "", nameZh: "", nameEn: "", kind: "badge", revokeWhenNoLongerMatching: false, status: "active" };

/** What the segments feature's rule builder takes; the app passes it in (features do not import each other). */
export type RuleBuilderSlot = (props: { value: SegmentRule; onChange: (next: SegmentRule) => void; saveError?: unknown; testId?: string }) => ReactNode;

const emptyRule = (): SegmentRule => ({ type: "and", rules: [] });
const asRoot = (rule: SegmentRule | undefined): SegmentRule => (!rule ? emptyRule() : rule.type === "and" || rule.type === "or" ? rule : { type: "and", rules: [rule] });

/** Badges and honour titles: the list with holder counts, an editor with the segments rule builder, evaluate now. */
export function LoyaltyBadgesTab(props: { ruleBuilder: RuleBuilderSlot }) {
  const t = useT();
  const { message } = App.useApp();
  const { workspaceId, can } = useCurrentWorkspace();
  const badges = useBadges(workspaceId);
  const save = useSaveBadge(workspaceId);
  const archive = useArchiveBadge(workspaceId);
  const evaluate = useEvaluateBadge(workspaceId);
  const reportError = useReportApiError();
  const [editing, setEditing] = useState<{ badge: BadgeDto | null } | null>(null);
  const [rule, setRule] = useState<SegmentRule>(emptyRule);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [form] = Form.useForm<BadgeFormValues>();
  const canManage = can("loyalty.manage");

  if (badges.isError) return <QueryErrorResult error={badges.error} onRetry={() => void badges.refetch()} />;

  const open = (badge: BadgeDto | null) => {
    form.resetFields();
    form.setFieldsValue(badge ? { ...badge } : EMPTY);
    setRule(asRoot(badge?.rule));
    setSaveError(null);
    setEditing({ badge });
  };
  const submit = (values: BadgeFormValues) => {
    if (!SegmentRuleSchema.safeParse(rule).success) {
      void message.warning(t("segments.builder.fixFirst"));
      return;
    }
    save.mutate(
      { badgeId: editing?.badge?.id, body: { ...values, rewardPoints: values.rewardPoints ?? null, rule } },
      {
        onSuccess: () => {
          void message.success(t("common.saved"));
          setEditing(null);
        },
        onError: (error) => {
          setSaveError(error);
          reportError(error, form, BADGE_FIELDS);
        },
      },
    );
  };

  return (
    <>
      <Flex justify="flex-end" style={{ marginBottom: 12 }}>
        {canManage ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => open(null)} data-testid="badge-new">
            {t("loyalty.badges.new")}
          </Button>
        ) : null}
      </Flex>
      <Table<BadgeDto>
        rowKey="id"
        loading={badges.isLoading}
        dataSource={badges.data?.items ?? []}
        pagination={false}
        data-testid="loyalty-badges"
        columns={[
          { title: t("loyalty.tasks.name"), key: "name", render: (_: unknown, row) => `${row.nameZh}${row.nameEn ? ` · ${row.nameEn}` : ""}` },
          { title: t("loyalty.badges.kind"), dataIndex: "kind", render: (k: BadgeDto["kind"]) => <Tag color={k === "title" ? "gold" : "blue"}>{t(`loyalty.badges.kind.${k}`)}</Tag> },
          { title: t("loyalty.badges.holders"), dataIndex: "holders" },
          { title: t("loyalty.badges.revocable"), dataIndex: "revokeWhenNoLongerMatching", render: (v: boolean) => (v ? t("loyalty.badges.revocableYes") : t("loyalty.badges.permanent")) },
          { title: t("loyalty.badges.lastEvaluated"), dataIndex: "lastEvaluatedAt", render: (v: string | null) => (v ? new Date(v).toLocaleString() : "—") },
          { title: t("common.status"), dataIndex: "status", render: (s: BadgeDto["status"]) => <Tag color={s === "active" ? "green" : "default"}>{t(`loyalty.status.${s}`)}</Tag> },
          ...(canManage
            ? [
                {
                  title: "",
                  key: "actions",
                  render: (_: unknown, row: BadgeDto) => (
                    <Space>
                      <Button
                        size="small"
                        loading={evaluate.isPending && evaluate.variables === row.id}
                        disabled={row.status !== "active"}
                        onClick={() =>
                          evaluate.mutate(row.id, {
                            onSuccess: (r) => void message.info(t("loyalty.badges.evaluated", { granted: r.granted, revoked: r.revoked, holders: r.holders })),
                            onError: (e) => reportError(e),
                          })
                        }
                        data-testid={`badge-evaluate-${row.code}`}
                      >
                        {t("loyalty.badges.evaluate")}
                      </Button>
                      <Button size="small" onClick={() => open(row)}>
                        {t("common.edit")}
                      </Button>
                      <Popconfirm title={t("loyalty.badges.archiveConfirm")} onConfirm={() => archive.mutate(row.id, { onError: (e) => reportError(e) })}>
                        <Button size="small" danger>
                          {t("loyalty.templates.archive")}
                        </Button>
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Drawer
        open={editing !== null}
        onClose={() => setEditing(null)}
        width={760}
        title={editing?.badge ? editing.badge.nameZh : t("loyalty.badges.new")}
        destroyOnHidden
        extra={
          <Flex gap={8}>
            <Button onClick={() => setEditing(null)}>{t("common.cancel")}</Button>
            <Button type="primary" loading={save.isPending} onClick={() => form.submit()} data-testid="badge-save">
              {t("common.save")}
            </Button>
          </Flex>
        }
      >
        <Form<BadgeFormValues> form={form} layout="vertical" requiredMark={false} onFinish={submit} initialValues={EMPTY}>
          <Space align="start" wrap>
            <Form.Item name="code" label={t("loyalty.tasks.code")} tooltip={t("loyalty.tasks.codeHelp")} rules={[{ required: true, message: t("loyalty.validation.required") }]}>
              <Input maxLength={40} data-testid="badge-code" />
            </Form.Item>
            <Form.Item name="nameZh" label={t("loyalty.tasks.nameZh")} rules={[{ required: true, whitespace: true, message: t("loyalty.validation.required") }]}>
              <Input maxLength={80} data-testid="badge-name-zh" />
            </Form.Item>
            <Form.Item name="nameEn" label={t("loyalty.tasks.nameEn")}>
              <Input maxLength={80} />
            </Form.Item>
          </Space>
          <Space align="start" wrap>
            <Form.Item name="kind" label={t("loyalty.badges.kind")}>
              <Select style={{ width: 140 }} options={(["badge", "title"] as const).map((k) => ({ value: k, label: t(`loyalty.badges.kind.${k}`) }))} />
            </Form.Item>
            <Form.Item name="status" label={t("common.status")}>
              <Select style={{ width: 120 }} options={(["active", "paused"] as const).map((s) => ({ value: s, label: t(`loyalty.status.${s}`) }))} />
            </Form.Item>
            <Form.Item name="rewardPoints" label={t("loyalty.tasks.rewardPoints")}>
              <InputNumber<number> min={1} precision={0} />
            </Form.Item>
            <Form.Item name="revokeWhenNoLongerMatching" label={t("loyalty.badges.revocable")} valuePropName="checked">
              <Switch />
            </Form.Item>
          </Space>
        </Form>
        {props.ruleBuilder({ value: rule, onChange: setRule, saveError, testId: "badge-rule" })}
      </Drawer>
    </>
  );
}
