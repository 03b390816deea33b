import { ArrowLeftOutlined } from "@ant-design/icons";
import type { SegmentDto, SegmentRule } from "@siyu/contracts";
import { Alert, App, Button, Card, Col, Flex, Form, Input, InputNumber, Result, Row } from "antd";
import { useMemo, useState } from "react";
import { useNavigate, useParams } from "react-router";
import { FullPageSpin } from "../../../components/full-page-spin";
import { PageHeader } from "../../../components/page-header";
import { QueryErrorResult } from "../../../components/query-error-result";
import { describeApiError, isApiError, useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useSegmentCatalogue, useStoreChoices, useTagChoices } from "../api/get-segment-details";
import { useSegment, useSegments } from "../api/get-segments";
import { useSegmentPreview } from "../api/preview-segment";
import { useSaveSegment } from "../api/save-segment";
import { findDraftProblems, isSendable, problemsByNode, readRuleProblems, type ServerProblem } from "../rule-tree/problems";
import { asRootGroup } from "../rule-tree/rule-tree";
import { RuleEditorProvider, type NodeProblem, type RuleEditorValue } from "./rule-editor-context";
import { RuleNodeEditor } from "./rule-node-editor";
import { SegmentPreviewPanel, type PreviewState } from "./segment-preview-panel";

type FormValues = { name: string; description?: string; refreshEveryMinutes?: number | null };

/** New segment (no id in the route) or an existing one's edit page. */
export function SegmentBuilderPage() {
  const { segmentId } = useParams();
  const { workspaceId } = useCurrentWorkspace();
  const t = useT();
  const segment = useSegment(workspaceId, segmentId);
  if (!segmentId) return <SegmentBuilder />;
  if (segment.isPending) return <FullPageSpin />;
  if (segment.isError) {
    if (isApiError(segment.error) && segment.error.status === 404) return <Result status="404" title={t("segments.detail.notFound")} />;
    return <QueryErrorResult error={segment.error} onRetry={() => void segment.refetch()} />;
  }
  return <SegmentBuilder key={segment.data.id} existing={segment.data} />;
}

function SegmentBuilder(props: { existing?: SegmentDto }) {
  const { existing } = props;
  const t = useT();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const reportError = useReportApiError();
  const { workspaceId, can } = useCurrentWorkspace();
  const [form] = Form.useForm<FormValues>();
  const [root, setRoot] = useState<SegmentRule>(() => asRootGroup(existing?.rule));
  const [saveProblems, setSaveProblems] = useState<{ rule: SegmentRule; problems: ServerProblem[] } | null>(null);

  const catalogue = useSegmentCatalogue(workspaceId);
  const segments = useSegments(workspaceId);
  const stores = useStoreChoices(workspaceId, can("stores.read"));
  const tags = useTagChoices(workspaceId);
  const save = useSaveSegment(workspaceId);

  const draftProblems = useMemo(() => findDraftProblems(root), [root]);
  const sendable = useMemo(() => isSendable(root), [root]);
  const preview = useSegmentPreview(workspaceId, sendable ? root : undefined);
  const previewProblems = preview.isError ? readRuleProblems(preview.error) : null;

  const problems = useMemo(() => {
    const byNode = new Map<string, NodeProblem[]>();
    const add = (map: Map<string, string[]>, severity: NodeProblem["severity"]) => {
      for (const [key, messages] of map) byNode.set(key, [...(byNode.get(key) ?? []), ...messages.map((m) => ({ message: m, severity }))]);
    };
    add(problemsByNode(root, draftProblems.map((p) => ({ path: p.path, message: t(p.key) }))), "warning");
    if (previewProblems) add(problemsByNode(root, previewProblems), "error");
    // A save's complaints hold for the tree that was saved; an edit since then may have fixed them.
    if (saveProblems && saveProblems.rule === root) add(problemsByNode(root, saveProblems.problems), "error");
    return byNode;
  }, [root, draftProblems, previewProblems, saveProblems, t]);

  const editor: RuleEditorValue = {
    root,
    onChange: setRoot,
    catalogue: catalogue.data,
    problems,
    segments: (segments.data?.items ?? []).filter((s) => s.id !== existing?.id).map((s) => ({ id: s.id, name: s.name })),
    stores: stores.data?.items.map((store) => ({ id: store.id, name: `${store.name} (${store.code})` })),
    tags: tags.data?.items,
  };

  let previewState: PreviewState;
  if (!sendable) previewState = { kind: "incomplete" };
  else if (preview.isError) previewState = previewProblems ? { kind: "invalid" } : { kind: "error", error: preview.error };
  else previewState = { kind: "ready", data: preview.data, pending: preview.settling || preview.isFetching };

  const submit = async (values: FormValues) => {
    if (!sendable) {
      void message.warning(t("segments.builder.fixFirst"));
      return;
    }
    const description = values.description?.trim();
    try {
      const saved = await save.mutateAsync({
        segmentId: existing?.id,
        body: {
          name: values.name.trim(),
          rule: root,
          ...(description ? { description } : {}),
          ...(values.refreshEveryMinutes ? { refreshEveryMinutes: values.refreshEveryMinutes } : {}),
        },
      });
      void message.success(t("segments.builder.saved"));
      void navigate(`/w/${workspaceId}/segments/${saved.id}`);
    } catch (error) {
      const ruleProblems = readRuleProblems(error);
      if (ruleProblems) {
        setSaveProblems({ rule: root, problems: ruleProblems });
        void message.error(t("segments.builder.fixFirst"));
      } else {
        reportError(error, form, ["name", "description", "refreshEveryMinutes"]);
      }
    }
  };

  const back = existing ? `/w/${workspaceId}/segments/${existing.id}` : `/w/${workspaceId}/segments`;
  return (
    <>
      <Button type="link" icon={<ArrowLeftOutlined />} style={{ paddingInline: 0 }} onClick={() => void navigate(back)} data-testid="segment-builder-back">
        {existing ? existing.name : t("segments.builder.back")}
      </Button>
      <PageHeader
        title={existing ? t("segments.builder.editTitle") : t("segments.builder.newTitle")}
        description={t("segments.builder.description")}
        extra={
          <>
            <Button onClick={() => void navigate(back)}>{t("segments.builder.cancel")}</Button>
            <Button type="primary" loading={save.isPending} onClick={() => form.submit()} data-testid="segment-save">
              {t("segments.builder.save")}
            </Button>
          </>
        }
      />
      <Row gutter={16} align="top">
        <Col xs={24} xl={16}>
          <Flex vertical gap={16}>
            <Card size="small">
              <Form<FormValues>
                form={form}
                layout="vertical"
                initialValues={{
                  name: existing?.name ?? "",
                  description: existing?.description ?? "",
                  refreshEveryMinutes: existing?.refreshEveryMinutes ?? null,
                }}
                onFinish={(values) => void submit(values)}
                requiredMark={false}
              >
                <Row gutter={16}>
                  <Col xs={24} md={14}>
                    <Form.Item name="name" label={t("segments.field.name")} rules={[{ required: true, whitespace: true, message: t("segments.field.name.required") }]}>
                      <Input placeholder={t("segments.field.name.placeholder")} maxLength={200} data-testid="segment-name" />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={10}>
                    <Form.Item name="refreshEveryMinutes" label={t("segments.field.refreshEvery")}>
                      <InputNumber min={5} max={7 * 24 * 60} precision={0} style={{ width: "100%" }} placeholder={t("segments.field.refreshEvery.default")} />
                    </Form.Item>
                  </Col>
                </Row>
                <Form.Item name="description" label={t("segments.field.description")} style={{ marginBottom: 0 }}>
                  <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} maxLength={2000} data-testid="segment-description" />
                </Form.Item>
              </Form>
            </Card>
            <Card size="small" title={t("segments.builder.rule")}>
              {catalogue.isError ? (
                <Alert
                  type="warning"
                  showIcon
                  style={{ marginBottom: 12 }}
                  message={t("segments.builder.catalogueError", { error: describeApiError(catalogue.error, t) })}
                />
              ) : null}
              <RuleEditorProvider value={editor}>
                <div data-testid="segment-rule-editor" data-sendable={sendable ? "true" : "false"}>
                  <RuleNodeEditor path={[]} />
                </div>
              </RuleEditorProvider>
            </Card>
          </Flex>
        </Col>
        <Col xs={24} xl={8}>
          <SegmentPreviewPanel state={previewState} />
        </Col>
      </Row>
    </>
  );
}
