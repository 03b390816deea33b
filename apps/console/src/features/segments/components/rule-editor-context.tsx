import type { SegmentCatalogueDto, SegmentRule } from "@siyu/contracts";
import { createContext, useContext } from "react";

export type NodeProblem = { message: string; severity: "error" | "warning" };
export type Choice = { id: string; name: string };

export type RuleEditorValue = {
  root: SegmentRule;
  onChange: (next: SegmentRule) => void;
  catalogue: SegmentCatalogueDto | undefined;
  /** Problems by node path key: blanks to fill (warning) and what the server refused (error). */
  problems: ReadonlyMap<string, readonly NodeProblem[]>;
  /** Other saved segments, for "in another segment". */
  segments: readonly Choice[];
  /** Stores for the store condition; undefined when they cannot be listed (ids are typed then). */
  stores: readonly Choice[] | undefined;
  /** Tags for the tag condition; undefined when they cannot be listed (an id is typed then). */
  tags: readonly Choice[] | undefined;
};

const RuleEditorContext = createContext<RuleEditorValue | null>(null);

export const RuleEditorProvider = RuleEditorContext.Provider;

export function useRuleEditor(): RuleEditorValue {
  const value = useContext(RuleEditorContext);
  if (!value) throw new Error("useRuleEditor outside RuleEditorProvider");
  return value;
}

/** The test id suffix of a node: its path ("rules.1.rules.0"), or "root". */
export function nodeTestKey(key: string): string {
  return key === "" ? "root" : key;
}
