import type { SegmentRule } from "@siyu/contracts";
import { useMemo } from "react";
import { useT } from "../../../lib/i18n";
import { useCurrentWorkspace } from "../../../lib/session";
import { useSegmentCatalogue, useStoreChoices, useTagChoices } from "../api/get-segment-details";
import { useSegments } from "../api/get-segments";
import { findDraftProblems, problemsByNode, readRuleProblems } from "../rule-tree/problems";
import { RuleEditorProvider, type NodeProblem, type RuleEditorValue } from "./rule-editor-context";
import { RuleNodeEditor } from "./rule-node-editor";

/**
 * The segment rule builder on its own, for other features whose definitions hold a segments rule
 * (loyalty badges): blanks are flagged as warnings, and a save's `segments.invalid_rule` answer
 * (pass its error) marks the nodes it names.
 */
export type RuleBuilderProps = { value: SegmentRule; onChange: (next: SegmentRule) => void; saveError?: unknown; testId?: string };

export function RuleBuilder(props: RuleBuilderProps) {
  const t = useT();
  const { workspaceId, can } = useCurrentWorkspace();
  const catalogue = useSegmentCatalogue(workspaceId);
  const segments = useSegments(workspaceId);
  const stores = useStoreChoices(workspaceId, can("stores.read"));
  const tags = useTagChoices(workspaceId);
  const { value: root, saveError } = props;
  const problems = useMemo(() => {
    const byNode = new Map<string, NodeProblem[]>();
    const add = (map: Map<string, string[]>, severity: NodeProblem["severity"]) => {
      for (const [key, messages] of map) byNode.set(key, [...(byNode.get(key) ?? []), ...messages.map((m) => ({ message: m, severity }))]);
    };
    add(problemsByNode(root, findDraftProblems(root).map((p) => ({ path: p.path, message: t(p.key) }))), "warning");
    const server = saveError ? readRuleProblems(saveError) : null;
    if (server) add(problemsByNode(root, server), "error");
    return byNode;
  }, [root, saveError, t]);
  const editor: RuleEditorValue = {
    root,
    onChange: props.onChange,
    catalogue: catalogue.data,
    problems,
    segments: (segments.data?.items ?? []).map((s) => ({ id: s.id, name: s.name })),
    stores: stores.data?.items.map((store) => ({ id: store.id, name: `${store.name} (${store.code})` })),
    tags: tags.data?.items,
  };
  return (
    <RuleEditorProvider value={editor}>
      <div data-testid={props.testId ?? "rule-builder"}>
        <RuleNodeEditor path={[]} />
      </div>
    </RuleEditorProvider>
  );
}
