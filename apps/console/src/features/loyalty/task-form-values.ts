import type { CreateTaskInput, TaskDto, TaskPropertyFilter, TaskStep } from "@siyu/contracts";

/** One step as the editor holds it: filters as "property=value" (or >=, <=) strings. */
export type StepFormValues = { kind: "event" | "profile_complete"; event?: string; count?: number | null; filters?: string[]; traits?: string[] };

export type TaskFormValues = {
  code: string;
  nameZh: string;
  nameEn?: string;
  kind: TaskDto["kind"];
  windowDays?: number | null;
  steps: StepFormValues[];
  rewardPoints?: number | null;
  rewardTemplateId?: string | null;
  status: TaskDto["status"];
};

export const TASK_FORM_FIELDS = ["code", "nameZh", "nameEn", "kind", "windowDays", "steps", "rewardPoints", "rewardTemplateId", "status"] as const;

export const EMPTY_TASK_FORM: TaskFormValues = { code: "", nameZh: "", kind: "once", steps: [{ kind: "event", event: "", count: 1 }], status: "active" };

export function filterToText(f: TaskPropertyFilter): string {
  return `${f.property}${f.op === "eq" ? "=" : f.op === "gte" ? ">=" : "<="}${String(f.value)}`;
}

/** "store_id=SH-01", "total>=100": numbers and booleans are read as such; null when it is not a filter. */
export function textToFilter(text: string): TaskPropertyFilter | null {
  const m = /^\s*([^<>=]+?)\s*(>=|<=|=)\s*(.*?)\s*$/.exec(text);
  if (!m || !m[1] || m[3] === undefined || m[3] === "") return null;
  const op = m[2] === "=" ? "eq" : m[2] === ">=" ? "gte" : "lte";
  const raw = m[3];
  const value = raw === "true" ? true : raw === "false" ? false : raw.trim() !== "" && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  return { property: m[1], op, value };
}

function stepToBody(s: StepFormValues): TaskStep {
  if (s.kind === "profile_complete") return { kind: "profile_complete", traits: s.traits ?? [] };
  return { kind: "event", event: s.event ?? "", count: s.count ?? 1, filters: (s.filters ?? []).map(textToFilter).filter((f): f is TaskPropertyFilter => f !== null) };
}

export function taskFormToBody(v: TaskFormValues, position = 0): CreateTaskInput {
  return {
    code: v.code,
    nameZh: v.nameZh,
    nameEn: v.nameEn ?? "",
    kind: v.kind,
    windowDays: v.kind === "new_member" ? (v.windowDays ?? null) : null,
    steps: v.steps.map(stepToBody),
    rewardPoints: v.rewardPoints ?? null,
    rewardTemplateId: v.rewardTemplateId ?? null,
    status: v.status,
    position,
  };
}

export function taskToForm(t: TaskDto): TaskFormValues {
  return {
    code: t.code,
    nameZh: t.nameZh,
    nameEn: t.nameEn,
    kind: t.kind,
    windowDays: t.windowDays,
    steps: t.steps.map((s) => (s.kind === "event" ? { kind: "event", event: s.event, count: s.count, filters: s.filters.map(filterToText) } : { kind: "profile_complete", traits: s.traits })),
    rewardPoints: t.rewardPoints,
    rewardTemplateId: t.rewardTemplateId,
    status: t.status,
  };
}
