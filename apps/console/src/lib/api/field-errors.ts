import { VALIDATION_ERROR_CODE, isApiError } from "./api-error";

export type ValidationIssue = { path: string; message: string };
export type FieldError = { name: string; errors: string[] };

/** Where in a request an issue was found; the first path segment may name it. */
const REQUEST_PARTS = new Set(["body", "query", "querystring", "params", "headers"]);

function isValidationIssue(value: unknown): value is ValidationIssue {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.path === "string" && typeof record.message === "string";
}

/**
 * Splits a path such as "body.storeIds.0", "/storeIds/0" or "storeIds[0]" into segments,
 * dropping the request-part prefix.
 */
export function parseIssuePath(path: string): Array<string | number> {
  const segments = path
    .replace(/\[(\d+)\]/g, ".$1")
    .split(/[./]/)
    .filter((s) => s.length > 0)
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  if (typeof segments[0] === "string" && REQUEST_PARTS.has(segments[0])) segments.shift();
  return segments;
}

export function readValidationIssues(error: unknown): ValidationIssue[] {
  if (!isApiError(error) || error.code !== VALIDATION_ERROR_CODE) return [];
  return Array.isArray(error.details) ? error.details.filter(isValidationIssue) : [];
}

/**
 * Maps a "request.invalid" error onto the given top-level form fields. Issues that match no
 * field (or errors of any other kind) come back as messages for a general alert.
 */
export function splitApiErrorByField(
  error: unknown,
  fieldNames: readonly string[],
): { fieldErrors: FieldError[]; otherMessages: string[] } {
  const issues = readValidationIssues(error);
  if (issues.length === 0) {
    const message = error instanceof Error ? error.message : String(error);
    return { fieldErrors: [], otherMessages: [message] };
  }
  const byField = new Map<string, string[]>();
  const otherMessages: string[] = [];
  for (const issue of issues) {
    const first = parseIssuePath(issue.path)[0];
    if (typeof first === "string" && fieldNames.includes(first)) {
      byField.set(first, [...(byField.get(first) ?? []), issue.message]);
    } else {
      otherMessages.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
    }
  }
  const fieldErrors = [...byField].map(([name, errors]) => ({ name, errors }));
  return { fieldErrors, otherMessages };
}
