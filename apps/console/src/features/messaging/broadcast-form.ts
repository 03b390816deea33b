import type { BroadcastBody, Channel, MessageCategory } from "@siyu/contracts";
import { parseIssuePath } from "../../lib/api";
import type { ValidationIssue } from "../../lib/api/field-errors";

export type BroadcastFormValues = {
  name: string;
  segmentId: string | undefined;
  channel: Channel;
  templateId: string | undefined;
  category: MessageCategory;
  /** ISO instant, or null for "now". */
  startAt: string | null;
  /** null: once. */
  repeatEveryDays: number | null;
  perMinute: number | null;
};

export const EMPTY_BROADCAST_FORM: BroadcastFormValues = {
  name: "",
  segmentId: undefined,
  channel: "sms",
  templateId: undefined,
  category: "general",
  startAt: null,
  repeatEveryDays: null,
  perMinute: 1000,
};

/** The form as the API's BroadcastBody; a missing pick goes as "" so the server names that field. */
export function formToBroadcast(values: BroadcastFormValues): BroadcastBody {
  return {
    name: (values.name ?? "").trim(),
    segmentId: values.segmentId ?? "",
    channel: values.channel,
    templateId: values.templateId ?? "",
    category: values.category,
    startAt: values.startAt ?? null,
    repeatEveryDays: typeof values.repeatEveryDays === "number" ? values.repeatEveryDays : null,
    perMinute: typeof values.perMinute === "number" ? values.perMinute : Number.NaN,
  };
}

const FIELDS = new Set(Object.keys(EMPTY_BROADCAST_FORM));

export function mapBroadcastIssues(issues: readonly ValidationIssue[]): { fieldErrors: { name: keyof BroadcastFormValues; errors: string[] }[]; otherMessages: string[] } {
  const byField = new Map<keyof BroadcastFormValues, string[]>();
  const otherMessages: string[] = [];
  for (const issue of issues) {
    const first = parseIssuePath(issue.path)[0];
    if (typeof first === "string" && FIELDS.has(first)) {
      const name = first as keyof BroadcastFormValues;
      byField.set(name, [...(byField.get(name) ?? []), issue.message]);
    } else otherMessages.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
  }
  return { fieldErrors: [...byField].map(([name, errors]) => ({ name, errors })), otherMessages };
}
