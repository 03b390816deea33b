import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import type { SegmentRule } from "@siyu/contracts";
import { Button, Dropdown, Flex, Segmented, Switch, Tag, Tooltip, Typography } from "antd";
import { useT } from "../../../lib/i18n";
import { LEAF_KINDS, defaultLeaf } from "../rule-tree/conditions";
import {
  addChild,
  getNode,
  isGroup,
  pathKey,
  removeNode,
  replaceNode,
  setGroupType,
  toggleNot,
  type GroupRule,
  type LeafRule,
  type RulePath,
} from "../rule-tree/rule-tree";
import { EventCondition, OccurrenceCondition } from "./rule-event-condition";
import {
  ClvCondition,
  ConsentCondition,
  LifecycleCondition,
  RfmCondition,
  SegmentRefCondition,
  StoreCondition,
  TagCondition,
  ValueTierCondition,
} from "./rule-other-conditions";
import { nodeTestKey, useRuleEditor, type NodeProblem } from "./rule-editor-context";
import { TraitCondition } from "./rule-trait-condition";

function NodeProblems(props: { problems: readonly NodeProblem[] }) {
  if (props.problems.length === 0) return null;
  return (
    <Flex vertical data-testid="rule-problems">
      {props.problems.map((problem, i) => (
        <Typography.Text key={i} type={problem.severity === "error" ? "danger" : "warning"} style={{ fontSize: 12 }}>
          {problem.message}
        </Typography.Text>
      ))}
    </Flex>
  );
}

/** Problems of this node, and of the NOT that wraps it (which has no box of its own). */
function useNodeProblems(path: RulePath): readonly NodeProblem[] {
  const { problems } = useRuleEditor();
  const own = problems.get(pathKey(path)) ?? [];
  if (path[path.length - 1] !== "rule") return own;
  return [...(problems.get(pathKey(path.slice(0, -1))) ?? []), ...own];
}

function NotSwitch(props: { path: RulePath; negated: boolean }) {
  const t = useT();
  const { root, onChange } = useRuleEditor();
  return (
    <Tooltip title={t("segments.node.notHint")}>
      <Flex gap={4} align="center">
        <Switch size="small" checked={props.negated} onChange={() => onChange(toggleNot(root, props.path))} data-testid="rule-not" />
        <Typography.Text type={props.negated ? "danger" : "secondary"} style={{ fontSize: 12 }}>
          {t("segments.node.not")}
        </Typography.Text>
      </Flex>
    </Tooltip>
  );
}

function RemoveButton(props: { path: RulePath }) {
  const t = useT();
  const { root, onChange } = useRuleEditor();
  return (
    <Tooltip title={t("segments.node.remove")}>
      <Button type="text" size="small" danger icon={<DeleteOutlined />} onClick={() => onChange(removeNode(root, props.path))} data-testid="rule-remove" />
    </Tooltip>
  );
}

function LeafEditor(props: { path: RulePath; rule: LeafRule; negated: boolean }) {
  const { path, rule, negated } = props;
  const t = useT();
  const { root, onChange } = useRuleEditor();
  const problems = useNodeProblems(path);
  const set = (next: LeafRule) => onChange(replaceNode(root, path, next));
  const hasError = problems.some((p) => p.severity === "error");
  let body;
  switch (rule.type) {
    case "trait":
      body = <TraitCondition rule={rule} onChange={set} />;
      break;
    case "event":
      body = <EventCondition rule={rule} onChange={set} />;
      break;
    case "occurrence":
      body = <OccurrenceCondition rule={rule} onChange={set} />;
      break;
    case "tag":
      body = <TagCondition rule={rule} onChange={set} />;
      break;
    case "rfm":
      body = <RfmCondition rule={rule} onChange={set} />;
      break;
    case "lifecycle":
      body = <LifecycleCondition rule={rule} onChange={set} />;
      break;
    case "value_tier":
      body = <ValueTierCondition rule={rule} onChange={set} />;
      break;
    case "clv":
      body = <ClvCondition rule={rule} onChange={set} />;
      break;
    case "segment":
      body = <SegmentRefCondition rule={rule} onChange={set} />;
      break;
    case "store":
      body = <StoreCondition rule={rule} onChange={set} />;
      break;
    case "consent":
      body = <ConsentCondition rule={rule} onChange={set} />;
      break;
  }
  return (
    <div
      data-testid={`rule-node-${nodeTestKey(pathKey(path))}`}
      data-kind={rule.type}
      style={{
        padding: "8px 10px",
        borderRadius: 6,
        background: "#fff",
        border: `1px solid ${hasError ? "#ff4d4f" : negated ? "#ffccc7" : "#f0f0f0"}`,
      }}
    >
      <Flex gap={8} align="flex-start">
        <Tag color={negated ? "red" : "blue"} style={{ marginTop: 5, marginInlineEnd: 0 }}>
          {negated ? `${t("segments.node.not")} · ` : ""}
          {t(`segments.kind.${rule.type}`)}
        </Tag>
        <Flex gap={6} wrap align="center" style={{ flex: 1 }}>
          {body}
        </Flex>
        <Flex gap={4} align="center" style={{ marginTop: 4 }}>
          <NotSwitch path={path} negated={negated} />
          <RemoveButton path={path} />
        </Flex>
      </Flex>
      <NodeProblems problems={problems} />
    </div>
  );
}

function AddButtons(props: { groupPath: RulePath }) {
  const t = useT();
  const { root, onChange, catalogue } = useRuleEditor();
  const key = nodeTestKey(pathKey(props.groupPath));
  return (
    <Flex gap={8}>
      <Dropdown
        trigger={["click"]}
        menu={{
          items: LEAF_KINDS.map((kind) => ({
            key: kind,
            label: <span data-testid={`rule-add-kind-${kind}`}>{t(`segments.kind.${kind}`)}</span>,
          })),
          onClick: ({ key: kind }) => onChange(addChild(root, props.groupPath, defaultLeaf(kind as LeafRule["type"], catalogue))),
        }}
      >
        <Button size="small" type="dashed" icon={<PlusOutlined />} data-testid={`rule-add-condition-${key}`}>
          {t("segments.group.addCondition")}
        </Button>
      </Dropdown>
      <Button
        size="small"
        type="dashed"
        icon={<PlusOutlined />}
        onClick={() => onChange(addChild(root, props.groupPath, { type: root.type === "or" ? "and" : "or", rules: [] }))}
        data-testid={`rule-add-group-${key}`}
      >
        {t("segments.group.addGroup")}
      </Button>
    </Flex>
  );
}

export function GroupEditor(props: { path: RulePath; group: GroupRule; negated: boolean }) {
  const { path, group, negated } = props;
  const t = useT();
  const { root, onChange } = useRuleEditor();
  const problems = useNodeProblems(path);
  const isRoot = path.length === 0;
  const key = nodeTestKey(pathKey(path));
  return (
    <div
      data-testid={`rule-group-${key}`}
      style={{
        padding: isRoot ? 0 : "8px 10px",
        borderLeft: isRoot ? undefined : `3px solid ${negated ? "#ff7875" : group.type === "and" ? "#1677ff" : "#fa8c16"}`,
        background: isRoot ? undefined : "#fafafa",
        borderRadius: 6,
      }}
    >
      <Flex gap={8} align="center" justify="space-between" style={{ marginBottom: 8 }}>
        <Flex gap={8} align="center">
          {isRoot ? <Typography.Text strong>{t("segments.group.match")}</Typography.Text> : null}
          <Segmented<"and" | "or">
            size="small"
            value={group.type}
            options={[
              { value: "and", label: t("segments.group.and") },
              { value: "or", label: t("segments.group.or") },
            ]}
            onChange={(type) => onChange(setGroupType(root, path, type))}
            data-testid={`rule-group-type-${key}`}
          />
        </Flex>
        {isRoot ? null : (
          <Flex gap={4} align="center">
            <NotSwitch path={path} negated={negated} />
            <RemoveButton path={path} />
          </Flex>
        )}
      </Flex>
      <Flex vertical gap={8}>
        {group.rules.length === 0 && isRoot ? <Typography.Text type="secondary">{t("segments.group.empty")}</Typography.Text> : null}
        {group.rules.map((_, index) => (
          <RuleNodeEditor key={index} path={[...path, "rules", index]} />
        ))}
        <NodeProblems problems={problems} />
        <AddButtons groupPath={path} />
      </Flex>
    </div>
  );
}

/** Any node: a NOT is drawn as its inner node with the NOT switch on. */
export function RuleNodeEditor(props: { path: RulePath }) {
  const { root } = useRuleEditor();
  const node: SegmentRule | undefined = getNode(root, props.path);
  if (!node) return null;
  if (node.type === "not") return <NotWrapped path={[...props.path, "rule"]} />;
  if (isGroup(node)) return <GroupEditor path={props.path} group={node} negated={false} />;
  return <LeafEditor path={props.path} rule={node} negated={false} />;
}

function NotWrapped(props: { path: RulePath }) {
  const { root } = useRuleEditor();
  const node = getNode(root, props.path);
  if (!node) return null;
  // NOT(NOT(x)) is shown as a NOT around a negated node: rare, and still editable.
  if (node.type === "not") return <RuleNodeEditor path={props.path} />;
  if (isGroup(node)) return <GroupEditor path={props.path} group={node} negated />;
  return <LeafEditor path={props.path} rule={node} negated />;
}
