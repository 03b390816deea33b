import type { RuleValue, TraitOp } from "@siyu/contracts";

export const NO_VALUE: readonly TraitOp[] = ["exists", "not_exists"];
const LIST: readonly TraitOp[] = ["in", "not_in", "between"];

function parseScalar(text: string): string | number | boolean {
  const trimmed = text.trim();
  if (trimmed === "true" || trimmed === "false") return trimmed === "true";
  if (trimmed !== "" && Number.isFinite(Number(trimmed))) return Number(trimmed);
  return trimmed;
}

/** What an operator types becomes a rule value: numbers and booleans as such, lists comma-separated. */
export function parseFilterValue(op: TraitOp, text: string): RuleValue | undefined {
  if (NO_VALUE.includes(op)) return undefined;
  if (LIST.includes(op)) return text.split(",").map((s) => s.trim()).filter(Boolean).map(parseScalar) as RuleValue;
  return parseScalar(text);
}

export function formatFilterValue(value: RuleValue | undefined): string {
  if (value === undefined) return "";
  return Array.isArray(value) ? value.join(", ") : String(value);
}

