// Saved segments and their rules: loading, validating, compiling and evaluating them on the warehouse.
import { and, eq } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { SegmentRule } from "@siyu/contracts";
import { SegmentRule as SegmentRuleSchema } from "@siyu/contracts";
import type { WorkspaceContext } from "../shared/context";
import { isUuid } from "../shared/ids";
import { workspaceTimeZone } from "../workspaces";
import { compileRule } from "./rule-compiler";
import { validateRule, type RuleProblem } from "./rule-validator";
import { segmentErrors } from "./segments.errors";
import { segments } from "./segments.schema";
import { needWarehouse, type Env, type SegmentRow } from "./segments.types";

// ---------------------------------------------------------------------------------------------
// Rules

async function savedRules(db: Db, workspaceId: string) {
  const rows = await db.select({ id: segments.id, name: segments.name, rule: segments.rule }).from(segments).where(eq(segments.workspaceId, workspaceId));
  return new Map(rows.map((r) => [r.id, { name: r.name, rule: r.rule }]));
}

/** Shape (zod) and meaning (catalogue, references, tags) of a rule; every problem named by its path. */
export async function checkRule(env: Env, workspaceId: string, rule: unknown, selfId?: string): Promise<SegmentRule> {
  const parsed = SegmentRuleSchema.safeParse(rule);
  if (!parsed.success) {
    throw invalidRule(parsed.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === "number" ? p : String(p))), message: i.message })));
  }
  const problems = await validateRule(parsed.data, {
    workspaceId,
    traits: await env.catalogue(workspaceId),
    segments: await savedRules(env.deps.db, workspaceId),
    selfId,
    knownTagIds: env.deps.knownTagIds,
  });
  if (problems.length) throw invalidRule(problems);
  return parsed.data;
}

export function invalidRule(problems: RuleProblem[]) {
  const first = problems[0];
  const where = first && first.path.length ? first.path.join(".") : "rule";
  return segmentErrors.error("segments.invalid_rule", first ? `${where}: ${first.message}` : "The rule is invalid.", { problems });
}

export async function compileFor(env: Env, workspaceId: string, rule: SegmentRule, now: Date) {
  return compileRule(rule, {
    workspaceId,
    now,
    timeZone: await workspaceTimeZone(env.deps.db, workspaceId),
    traits: await env.catalogue(workspaceId),
    segments: await savedRules(env.deps.db, workspaceId),
  });
}

export async function evaluate(env: Env, workspaceId: string, rule: SegmentRule, now: Date): Promise<string[]> {
  const compiled = await compileFor(env, workspaceId, rule, now);
  const rows = await needWarehouse(env.deps).query<{ profile_id: string }>(compiled.sql, compiled.params);
  return rows.map((r) => r.profile_id);
}

export async function findSegment(db: Db, ctx: WorkspaceContext, segmentId: string): Promise<SegmentRow> {
  const [row] = isUuid(segmentId) ? await db.select().from(segments).where(and(eq(segments.workspaceId, ctx.workspaceId), eq(segments.id, segmentId))) : [];
  if (!row) throw segmentErrors.error("segments.not_found", "No such segment.");
  return row;
}
