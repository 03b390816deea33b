import "@xyflow/react/dist/style.css";
import { ArrowLeftOutlined, SettingOutlined } from "@ant-design/icons";
import type { GraphProblemDto, JourneyDto, JourneyNode, JourneyNodeType, JourneySettings, NodeStatsDto } from "@siyu/contracts";
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  useEdgesState,
  useNodesState,
  useReactFlow,
  type Connection,
  type EdgeChange,
  type NodeChange,
} from "@xyflow/react";
import { Alert, App, Button, Card, Flex, Input, Popconfirm, Space, Statistic, Tag, Typography } from "antd";
import { useEffect, useMemo, useState } from "react";
import { Link, useBlocker, useParams } from "react-router";
import { FullPageSpin } from "../../../components/full-page-spin";
import { QueryErrorResult } from "../../../components/query-error-result";
import { useReportApiError } from "../../../lib/api";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { testId } from "../../../lib/test-id";
import { useJourney, useJourneyReport, useJourneyTransition, useSaveJourney, useValidateJourney, type JourneyTransition } from "../api/journeys";
import { layoutGraph, needsLayout } from "../graph/auto-layout";
import { flowToGraph, graphToFlow, toFlowEdge, toFlowNode, type JourneyFlowEdge, type JourneyFlowNode } from "../graph/flow-graph";
import { NODE_TYPES, newNode, nextNodeId, pruneEdges } from "../graph/node-model";
import { applyProblems, readGraphProblems } from "../graph/problems";
import { JOURNEY_NODE_TYPES, CanvasContext, NODE_LOOK } from "./journey-nodes";
import { JourneyStatusTag } from "./journey-status-tag";
import { NodeInspector, type RuleBuilderSlot } from "./node-inspector";
import { useReferenceChoices } from "./reference-select";
import { RunsDrawer } from "./runs-drawer";
import { SettingsDrawer } from "./settings-drawer";

/** The spot itself, or the first one to its right that no node covers. */
function freeSpot(nodes: readonly JourneyFlowNode[], wanted: { x: number; y: number }): { x: number; y: number } {
  const spot = { ...wanted };
  while (nodes.some((n) => Math.abs(n.position.x - spot.x) < 260 && Math.abs(n.position.y - spot.y) < 110)) spot.x += 280;
  return spot;
}

/** The canvas editor of one journey (`journeys/:journeyId`). */
export function JourneyEditorPage(props: { ruleBuilder: RuleBuilderSlot }) {
  const { journeyId = "" } = useParams();
  const { workspaceId } = useCurrentWorkspace();
  const journey = useJourney(workspaceId, journeyId);
  if (journey.isError) return <QueryErrorResult error={journey.error} onRetry={() => void journey.refetch()} />;
  if (!journey.data) return <FullPageSpin />;
  return (
    <ReactFlowProvider>
      <JourneyEditor key={journey.data.id} journey={journey.data} ruleBuilder={props.ruleBuilder} />
    </ReactFlowProvider>
  );
}

function JourneyEditor(props: { journey: JourneyDto; ruleBuilder: RuleBuilderSlot }) {
  const { journey } = props;
  const t = useT();
  const { message, modal } = App.useApp();
  const reportError = useReportApiError();
  const { workspaceId, can } = useCurrentWorkspace();
  const flow = useReactFlow<JourneyFlowNode, JourneyFlowEdge>();
  const readOnly = !can("journeys.manage") || journey.status === "archived";
  const hasLive = journey.liveVersion !== null;
  const report = useJourneyReport(workspaceId, journey.id, { enabled: hasLive, live: journey.status === "live" });
  const save = useSaveJourney(workspaceId, journey.id);
  const validate = useValidateJourney(workspaceId, journey.id);
  const transition = useJourneyTransition(workspaceId, journey.id);
  const choices = useReferenceChoices(workspaceId);

  const initial = useMemo(() => graphToFlow(needsLayout(journey.graph) ? layoutGraph(journey.graph) : journey.graph), []); // the draft is loaded once; the canvas owns it after
  const [nodes, setNodes, onNodesChangeBase] = useNodesState<JourneyFlowNode>(initial.nodes);
  const [edges, setEdges, onEdgesChangeBase] = useEdgesState<JourneyFlowEdge>(initial.edges);
  const [name, setName] = useState(journey.name);
  const [settings, setSettings] = useState<JourneySettings>(journey.settings);
  const [dirty, setDirty] = useState(false);
  const [problems, setProblems] = useState<GraphProblemDto[]>([]);
  const [inspecting, setInspecting] = useState<string | null>(null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [runsOpen, setRunsOpen] = useState(false);

  useEffect(() => {
    setNodes((current) => applyProblems(current, problems).nodes);
  }, [problems, setNodes]);

  // Leaving with an unsaved draft asks first (in the console and when closing the tab).
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    if (blocker.state !== "blocked") return;
    modal.confirm({ title: t("journeys.editor.leaveUnsaved"), onOk: () => blocker.proceed(), onCancel: () => blocker.reset() });
  }, [blocker, modal, t]);
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  const stats = useMemo<ReadonlyMap<string, NodeStatsDto> | null>(() => (hasLive && report.data ? new Map(report.data.nodes.map((n) => [n.nodeId, n])) : null), [hasLive, report.data]);
  const canvas = useMemo(() => ({ name: choices.name, stats }), [choices.name, stats]);
  const general = useMemo(() => applyProblems(nodes, problems).general, [nodes, problems]);
  const inspected = nodes.find((n) => n.id === inspecting) ?? null;

  const onNodesChange = (changes: NodeChange<JourneyFlowNode>[]) => {
    const editable = readOnly ? changes.filter((c) => c.type === "select" || c.type === "dimensions") : changes;
    onNodesChangeBase(editable);
    if (editable.some((c) => c.type === "remove" || (c.type === "position" && c.dragging))) setDirty(true);
    for (const c of editable) if (c.type === "remove" && c.id === inspecting) setInspecting(null);
  };
  const onEdgesChange = (changes: EdgeChange<JourneyFlowEdge>[]) => {
    const editable = readOnly ? changes.filter((c) => c.type === "select") : changes;
    onEdgesChangeBase(editable);
    if (editable.some((c) => c.type === "remove" || c.type === "add")) setDirty(true);
  };
  const onConnect = (connection: Connection) => {
    if (readOnly || connection.source === connection.target) return;
    const handle = connection.sourceHandle ?? "next";
    // One edge per handle: connecting a handle again moves its edge.
    setEdges((current) => [...current.filter((e) => !(e.source === connection.source && (e.sourceHandle ?? "next") === handle)), toFlowEdge({ from: connection.source, handle, to: connection.target })]);
    setDirty(true);
  };

  const updateNode = (next: JourneyNode) => {
    const nextNodes = nodes.map((n) => (n.id === next.id ? { ...n, data: { ...n.data, node: next } } : n));
    setNodes(nextNodes);
    const pruned = pruneEdges(flowToGraph(nextNodes, edges));
    if (pruned.edges.length !== edges.length) setEdges(pruned.edges.map(toFlowEdge));
    setDirty(true);
  };
  const deleteNode = (id: string) => {
    void flow.deleteElements({ nodes: [{ id }] });
    setInspecting(null);
    setDirty(true);
  };
  const addNode = (type: JourneyNodeType) => {
    const anchor = nodes.find((n) => n.id === inspecting) ?? [...nodes].sort((a, b) => b.position.y - a.position.y)[0];
    const position = freeSpot(nodes, anchor ? { x: anchor.position.x, y: anchor.position.y + 150 } : { x: 0, y: 0 });
    const id = nextNodeId(type, nodes.map((n) => n.id));
    setNodes([...nodes.map((n) => ({ ...n, selected: false })), { ...toFlowNode(newNode(type, id, position)), selected: true }]);
    setInspecting(id);
    setDirty(true);
    void flow.setCenter(position.x + 120, position.y + 50, { zoom: flow.getZoom(), duration: 300 });
  };

  const saveDraft = async () => {
    await save.mutateAsync({ name: name.trim() || journey.name, description: journey.description, graph: flowToGraph(nodes, edges), settings, playbook: journey.playbook });
    setDirty(false);
  };
  const onSave = () =>
    saveDraft().then(
      () => void message.success(t("journeys.editor.saved")),
      (e: unknown) => {
        const found = readGraphProblems(e);
        if (found) setProblems(found);
        reportError(e);
      },
    );
  const onValidate = async () => {
    try {
      if (dirty) await saveDraft();
      const result = await validate.mutateAsync();
      setProblems(result.problems);
      if (result.problems.length === 0) void message.success(t("journeys.editor.valid"));
    } catch (e) {
      reportError(e);
    }
  };
  const onTransition = async (kind: JourneyTransition) => {
    try {
      if (kind === "publish" && dirty) await saveDraft();
      const result = await transition.mutateAsync(kind);
      if (kind === "publish") {
        setProblems([]);
        void message.success(t("journeys.editor.published", { version: result.liveVersion ?? "" }));
      } else void message.success(t(`journeys.editor.${kind === "pause" ? "paused" : kind === "resume" ? "resumed" : "archived"}`));
    } catch (e) {
      const found = kind === "publish" ? readGraphProblems(e) : null;
      if (found) {
        setProblems(found);
        void message.error(t("journeys.editor.refused"));
      } else reportError(e);
    }
  };
  const busy = save.isPending || validate.isPending || transition.isPending;
  const nodeProblems = (id: string) => nodes.find((n) => n.id === id)?.data.problems ?? [];

  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" align="center" gap={12} wrap>
        <Flex align="center" gap={8} wrap>
          <Link to={`/w/${workspaceId}/journeys`}>
            <Button icon={<ArrowLeftOutlined />} type="text">
              {t("journeys.editor.back")}
            </Button>
          </Link>
          <Input
            value={name}
            maxLength={200}
            disabled={readOnly}
            variant="borderless"
            style={{ fontSize: 20, fontWeight: 600, width: 320 }}
            onChange={(e) => {
              setName(e.target.value);
              setDirty(true);
            }}
            data-testid="journey-name"
          />
          <JourneyStatusTag status={journey.status} />
          {journey.liveVersion !== null ? <Tag>v{journey.liveVersion}</Tag> : null}
          {journey.hasDraftChanges && journey.liveVersion !== null && !dirty ? <Tag color="orange">{t("journeys.draftChanges")}</Tag> : null}
          {dirty ? (
            <Tag color="gold" data-testid="journey-dirty">
              {t("journeys.editor.unsaved")}
            </Tag>
          ) : null}
          {settings.dryRun ? <Tag color="purple">{t("journeys.settings.dryRun")}</Tag> : null}
        </Flex>
        <Space wrap>
          {hasLive ? (
            <Button onClick={() => setRunsOpen(true)} data-testid="journey-runs-open">
              {t("journeys.runs.open")}
            </Button>
          ) : null}
          <Button icon={<SettingOutlined />} onClick={() => setSettingsOpen(true)} data-testid="journey-settings">
            {t("journeys.editor.settings")}
          </Button>
          {!readOnly ? (
            <>
              <Button onClick={() => void onSave()} loading={save.isPending} disabled={busy && !save.isPending} data-testid="journey-save">
                {t("journeys.editor.save")}
              </Button>
              <Button onClick={() => void onValidate()} loading={validate.isPending} disabled={busy && !validate.isPending} data-testid="journey-validate">
                {t("journeys.editor.validate")}
              </Button>
              <Popconfirm title={t("journeys.editor.publishConfirm")} onConfirm={() => void onTransition("publish")} okButtonProps={testId("journey-publish-confirm")}>
                <Button type="primary" loading={transition.isPending && transition.variables === "publish"} disabled={busy} data-testid="journey-publish">
                  {t("journeys.editor.publish")}
                </Button>
              </Popconfirm>
              {journey.status === "live" ? (
                <Button onClick={() => void onTransition("pause")} disabled={busy} data-testid="journey-pause">
                  {t("journeys.editor.pause")}
                </Button>
              ) : null}
              {journey.status === "paused" ? (
                <Button onClick={() => void onTransition("resume")} disabled={busy} data-testid="journey-resume">
                  {t("journeys.editor.resume")}
                </Button>
              ) : null}
              <Popconfirm title={t("journeys.editor.archiveConfirm")} onConfirm={() => void onTransition("archive")} okButtonProps={testId("journey-archive-confirm")}>
                <Button danger disabled={busy} data-testid="journey-archive">
                  {t("journeys.editor.archive")}
                </Button>
              </Popconfirm>
            </>
          ) : null}
        </Space>
      </Flex>
      {readOnly && journey.status !== "archived" ? <Alert type="info" showIcon message={t("journeys.editor.readOnly")} /> : null}
      {hasLive && report.data ? (
        <Card size="small" title={<Typography.Text type="secondary">{t("journeys.editor.liveStats")}</Typography.Text>}>
          <Flex gap={32} wrap data-testid="journey-report">
            <Statistic title={t("journeys.report.entered")} value={report.data.entered} />
            <Statistic title={t("journeys.report.inProgress")} value={report.data.inProgress} />
            <Statistic title={t("journeys.report.goalReached")} value={report.data.goalReached} />
            <Statistic title={t("journeys.report.exited")} value={report.data.exited} />
            {report.data.holdout.entered > 0 ? (
              <Typography.Text type="secondary" style={{ alignSelf: "flex-end" }}>
                {t("journeys.report.holdout", { entered: report.data.holdout.entered, goal: report.data.holdout.goalReached })}
              </Typography.Text>
            ) : null}
          </Flex>
        </Card>
      ) : null}
      {problems.length > 0 ? (
        <Alert
          type="error"
          showIcon
          data-testid="journey-problems"
          message={`${t("journeys.editor.problemsTitle")} · ${t("journeys.editor.problems", { n: problems.length })}`}
          description={
            <ul style={{ margin: 0, paddingLeft: 18 }}>
              {problems.map((p, i) => (
                <li key={i} data-testid={`journey-problem-${p.code}`}>
                  {p.nodeId && !general.includes(p) ? (
                    <Typography.Link onClick={() => setInspecting(p.nodeId)}>{p.nodeId}</Typography.Link>
                  ) : null}
                  {p.nodeId && !general.includes(p) ? ": " : null}
                  {p.message}
                </li>
              ))}
            </ul>
          }
        />
      ) : null}
      <Flex gap={12} style={{ height: "calc(100vh - 240px)", minHeight: 520 }}>
        {!readOnly ? (
          <Card size="small" title={t("journeys.palette")} style={{ width: 170, flex: "none" }} data-testid="journey-palette">
            <Flex vertical gap={6}>
              {NODE_TYPES.map((type) => (
                <Button key={type} icon={NODE_LOOK[type].icon} style={{ justifyContent: "flex-start", color: NODE_LOOK[type].color }} onClick={() => addNode(type)} data-testid={`palette-${type}`}>
                  {t(`journeys.node.${type}`)}
                </Button>
              ))}
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t("journeys.palette.hint")}
              </Typography.Text>
            </Flex>
          </Card>
        ) : null}
        <div style={{ flex: 1, border: "1px solid #f0f0f0", borderRadius: 8, background: "#fafafa" }} data-testid="journey-canvas">
          <CanvasContext.Provider value={canvas}>
            <ReactFlow<JourneyFlowNode, JourneyFlowEdge>
              nodes={nodes}
              edges={edges}
              nodeTypes={JOURNEY_NODE_TYPES}
              onNodesChange={onNodesChange}
              onEdgesChange={onEdgesChange}
              onConnect={onConnect}
              onNodeClick={(_, node) => setInspecting(node.id)}
              onPaneClick={() => setInspecting(null)}
              nodesDraggable={!readOnly}
              nodesConnectable={!readOnly}
              deleteKeyCode={readOnly ? null : ["Backspace", "Delete"]}
              defaultEdgeOptions={{ type: "smoothstep" }}
              fitView
              fitViewOptions={{ padding: 0.2, maxZoom: 1 }}
              proOptions={{ hideAttribution: true }}
            >
              <Background />
              <Controls showInteractive={false} />
              <MiniMap pannable zoomable nodeColor={(n) => NODE_LOOK[(n as JourneyFlowNode).data.node.type].color} />
            </ReactFlow>
          </CanvasContext.Provider>
        </div>
      </Flex>
      <NodeInspector
        node={inspected?.data.node ?? null}
        problems={inspected ? nodeProblems(inspected.id) : []}
        onChange={updateNode}
        onDelete={deleteNode}
        onClose={() => setInspecting(null)}
        readOnly={readOnly}
        choices={choices}
        ruleBuilder={props.ruleBuilder}
      />
      <RunsDrawer
        workspaceId={workspaceId}
        journeyId={journey.id}
        open={runsOpen}
        onClose={() => setRunsOpen(false)}
        onShowNode={(id) => {
          setRunsOpen(false);
          setInspecting(id);
        }}
      />
      <SettingsDrawer
        open={settingsOpen}
        onClose={() => setSettingsOpen(false)}
        value={settings}
        onChange={(next) => {
          setSettings(next);
          setDirty(true);
        }}
        readOnly={readOnly}
        ruleBuilder={props.ruleBuilder}
      />
    </Flex>
  );
}
