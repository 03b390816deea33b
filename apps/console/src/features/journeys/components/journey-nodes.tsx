import { ApartmentOutlined, BranchesOutlined, ClockCircleOutlined, LogoutOutlined, QuestionCircleOutlined, ThunderboltOutlined } from "@ant-design/icons";
import type { JourneyNodeType, NodeStatsDto } from "@siyu/contracts";
import { Handle, Position, type NodeProps, type NodeTypes } from "@xyflow/react";
import { createContext, useContext, type ReactNode } from "react";
import { useT } from "../../../lib/i18n";
import type { JourneyFlowNode } from "../graph/flow-graph";
import { nodeHandles } from "@siyu/contracts";
import { hasInput } from "../graph/node-model";
import { summarizeNode, type SummaryContext } from "../graph/node-summary";

/** What every node on the canvas reads besides its own data: names for summaries and the live counts. */
export type CanvasContextValue = { name: SummaryContext["name"]; stats: ReadonlyMap<string, NodeStatsDto> | null };
export const CanvasContext = createContext<CanvasContextValue>({ name: undefined, stats: null });

const LOOK: Record<JourneyNodeType, { color: string; icon: ReactNode }> = {
  trigger: { color: "#1677ff", icon: <ThunderboltOutlined /> },
  wait: { color: "#faad14", icon: <ClockCircleOutlined /> },
  condition: { color: "#722ed1", icon: <QuestionCircleOutlined /> },
  split: { color: "#13c2c2", icon: <ApartmentOutlined /> },
  action: { color: "#52c41a", icon: <BranchesOutlined /> },
  exit: { color: "#8c8c8c", icon: <LogoutOutlined /> },
};

const BUILT_IN_HANDLES = new Set(["next", "yes", "no", "event", "timeout"]);

function suppressedTotal(stats: NodeStatsDto): number {
  return Object.values(stats.messages.suppressed).reduce((s, n) => s + n, 0);
}

function NodeFrame({ id, data, selected }: NodeProps<JourneyFlowNode>) {
  const t = useT();
  const canvas = useContext(CanvasContext);
  const node = data.node;
  const look = LOOK[node.type];
  const handles = nodeHandles(node);
  const stats = canvas.stats ? (canvas.stats.get(id) ?? { nodeId: id, entered: 0, inProgress: 0, messages: { sent: 0, delivered: 0, failed: 0, suppressed: {} } }) : null;
  const invalid = data.problems.length > 0;
  const handleLabel = (h: string) => {
    if (BUILT_IN_HANDLES.has(h)) return t(`journeys.handle.${h as "next" | "yes" | "no" | "event" | "timeout"}`);
    if (node.type === "split") {
      const branch = node.branches.find((b) => b.key === h);
      return branch ? `${branch.label || branch.key} ${branch.percent}%` : h;
    }
    return h;
  };
  return (
    <div
      data-testid={`journey-node-${id}`}
      data-invalid={invalid ? "true" : undefined}
      style={{
        width: 240,
        background: "#fff",
        borderRadius: 8,
        border: `${invalid ? 2 : 1}px solid ${invalid ? "#ff4d4f" : selected ? look.color : "#d9d9d9"}`,
        boxShadow: selected ? `0 0 0 3px ${look.color}33` : "0 1px 2px rgba(0,0,0,0.06)",
        fontSize: 12,
        paddingBottom: handles.length > 1 ? 18 : 0,
      }}
    >
      {hasInput(node) ? <Handle type="target" position={Position.Top} id="in" /> : null}
      <div style={{ display: "flex", gap: 6, alignItems: "center", padding: "6px 10px", borderBottom: "1px solid #f0f0f0", color: look.color, fontWeight: 600 }}>
        {look.icon}
        <span>{t(`journeys.node.${node.type}`)}</span>
        <span style={{ marginLeft: "auto", color: "#8c8c8c", fontWeight: 400 }}>{id}</span>
      </div>
      <div style={{ padding: "6px 10px", color: "#262626", wordBreak: "break-word" }} data-testid={`node-summary-${id}`}>
        {summarizeNode(node, { t, name: canvas.name })}
      </div>
      {stats ? (
        <div
          data-testid={`node-count-${id}`}
          data-entered={stats.entered}
          data-in-progress={stats.inProgress}
          style={{ padding: "4px 10px", borderTop: "1px dashed #f0f0f0", color: "#595959", display: "flex", flexWrap: "wrap", gap: "2px 10px" }}
        >
          <span>{t("journeys.stats.entered", { n: stats.entered })}</span>
          <span>{t("journeys.stats.inProgress", { n: stats.inProgress })}</span>
          {node.type === "action" && node.action.kind === "send" ? (
            <>
              <span>{t("journeys.stats.sent", { n: stats.messages.sent })}</span>
              <span>{t("journeys.stats.suppressed", { n: suppressedTotal(stats) })}</span>
            </>
          ) : null}
        </div>
      ) : null}
      {data.problems.map((m, i) => (
        <div key={i} style={{ padding: "2px 10px 4px", color: "#ff4d4f" }} data-testid={`node-problem-${id}`}>
          {m}
        </div>
      ))}
      {handles.map((h, i) => {
        const left = `${((i + 1) / (handles.length + 1)) * 100}%`;
        return (
          <div key={h}>
            {handles.length > 1 ? (
              <span style={{ position: "absolute", bottom: 2, left, transform: "translateX(-50%)", fontSize: 10, color: "#8c8c8c", whiteSpace: "nowrap" }}>{handleLabel(h)}</span>
            ) : null}
            <Handle type="source" position={Position.Bottom} id={h} style={{ left, background: look.color }} data-testid={`handle-${id}-${h}`} />
          </div>
        );
      })}
    </div>
  );
}

const TriggerNode = (p: NodeProps<JourneyFlowNode>) => <NodeFrame {...p} />;
const WaitNode = (p: NodeProps<JourneyFlowNode>) => <NodeFrame {...p} />;
const ConditionNode = (p: NodeProps<JourneyFlowNode>) => <NodeFrame {...p} />;
const SplitNode = (p: NodeProps<JourneyFlowNode>) => <NodeFrame {...p} />;
const ActionNode = (p: NodeProps<JourneyFlowNode>) => <NodeFrame {...p} />;
const ExitNode = (p: NodeProps<JourneyFlowNode>) => <NodeFrame {...p} />;

/** One component per node type (React Flow's `type`); they share the frame and differ by handles and look. */
export const JOURNEY_NODE_TYPES: NodeTypes = {
  trigger: TriggerNode,
  wait: WaitNode,
  condition: ConditionNode,
  split: SplitNode,
  action: ActionNode,
  exit: ExitNode,
};

export const NODE_LOOK = LOOK;
