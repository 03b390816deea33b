import { InvalidGraphDetailsDto, type GraphProblemDto } from "@siyu/contracts";
import type { JourneyFlowNode } from "./flow-graph";

/** A refused publish (422) carries its problems in the error's details; anything else is not a graph problem. */
export function readGraphProblems(error: unknown): GraphProblemDto[] | null {
  if (typeof error !== "object" || error === null || !("details" in error)) return null;
  const parsed = InvalidGraphDetailsDto.safeParse((error as { details: unknown }).details);
  return parsed.success ? parsed.data.problems : null;
}

/**
 * Pins each problem on the node it names (red outline + message on the canvas); problems without a
 * node, or naming one that is not on the canvas, come back as `general` for the list above it.
 */
export function applyProblems(nodes: readonly JourneyFlowNode[], problems: readonly GraphProblemDto[]): { nodes: JourneyFlowNode[]; general: GraphProblemDto[] } {
  const ids = new Set(nodes.map((n) => n.id));
  const byNode = new Map<string, string[]>();
  const general: GraphProblemDto[] = [];
  for (const problem of problems) {
    if (problem.nodeId !== null && ids.has(problem.nodeId)) byNode.set(problem.nodeId, [...(byNode.get(problem.nodeId) ?? []), problem.message]);
    else general.push(problem);
  }
  const next = nodes.map((n) => {
    const messages = byNode.get(n.id) ?? [];
    if (messages.length === 0 && n.data.problems.length === 0) return n;
    return { ...n, data: { ...n.data, problems: messages } };
  });
  return { nodes: next, general };
}
