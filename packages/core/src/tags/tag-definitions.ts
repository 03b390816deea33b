// Tag groups and tags: create, change, delete, list (definitions, not holders).
import { and, asc, eq, inArray, isNull, ne } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { QuantileTagDefinition, RuleTagDefinition, type CreateTagBody, type CreateTagGroupBody, type SegmentRule, type TagDto, type TagGroupDto, type TagKind, type TagListDto, type UpdateTagBody, type UpdateTagGroupBody } from "@siyu/contracts";
import type { z } from "zod";
import { appendAuditEntry, diffFields } from "../audit";
import { type WorkspaceContext } from "../shared/context";
import { isUniqueViolation } from "../shared/domain-error";
import { isUuid, newId } from "../shared/ids";
import { tagErrors } from "./tags.errors";
import { holderCounts, holdersOf, removeHolders, type ChangeContext } from "./tags.repository";
import { profileTags, tagGroups, tags } from "./tags.schema";
import { type GroupRow, type TagRow, type TagsDeps } from "./tags.types";

// ---------------------------------------------------------------- groups

function toGroupDto(row: GroupRow): TagGroupDto {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    exclusive: row.exclusive,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

async function loadGroup(db: Db, workspaceId: string, groupId: string): Promise<GroupRow> {
  const [row] = isUuid(groupId)
    ? await db.select().from(tagGroups).where(and(eq(tagGroups.workspaceId, workspaceId), eq(tagGroups.id, groupId)))
    : [];
  if (!row) throw tagErrors.error("tags.group_not_found", "No such tag group.", { field: "groupId" });
  return row;
}

async function assertGroupNameFree(db: Db, workspaceId: string, name: string, exceptId?: string) {
  const [clash] = await db
    .select({ id: tagGroups.id })
    .from(tagGroups)
    .where(and(eq(tagGroups.workspaceId, workspaceId), eq(tagGroups.name, name), exceptId ? ne(tagGroups.id, exceptId) : undefined));
  if (clash) throw tagErrors.error("tags.group_name_taken", `A tag group named ${name} exists already.`, { field: "name" });
}

export async function createGroup(deps: TagsDeps, ctx: WorkspaceContext, body: CreateTagGroupBody): Promise<TagGroupDto> {
  return deps.db.transaction(async (tx) => {
    await assertGroupNameFree(tx, ctx.workspaceId, body.name);
    const now = deps.clock.now();
    const row: GroupRow = {
      id: newId(),
      workspaceId: ctx.workspaceId,
      name: body.name,
      description: body.description ?? null,
      exclusive: body.exclusive,
      createdAt: now,
      updatedAt: now,
    };
    await tx.insert(tagGroups).values(row).catch(nameTaken("tags.group_name_taken", body.name));
    await appendAuditEntry(tx, deps.clock, ctx, {
      action: "tag_group.created",
      targetType: "tag_group",
      targetId: row.id,
      summary: `Created tag group ${row.name}`,
      after: { name: row.name, description: row.description, exclusive: row.exclusive },
    });
    return toGroupDto(row);
  });
}

export async function updateGroup(deps: TagsDeps, ctx: WorkspaceContext, groupId: string, body: UpdateTagGroupBody): Promise<TagGroupDto> {
  return deps.db.transaction(async (tx) => {
    const before = await loadGroup(tx, ctx.workspaceId, groupId);
    if (body.name !== undefined) await assertGroupNameFree(tx, ctx.workspaceId, body.name, groupId);
    const after: GroupRow = {
      ...before,
      name: body.name ?? before.name,
      description: body.description === undefined ? before.description : body.description,
      exclusive: body.exclusive ?? before.exclusive,
      updatedAt: deps.clock.now(),
    };
    await tx
      .update(tagGroups)
      .set({ name: after.name, description: after.description, exclusive: after.exclusive, updatedAt: after.updatedAt })
      .where(eq(tagGroups.id, groupId));
    await appendAuditEntry(tx, deps.clock, ctx, {
      action: "tag_group.updated",
      targetType: "tag_group",
      targetId: groupId,
      summary: `Changed tag group ${after.name}`,
      ...diffFields(before, after, ["name", "description", "exclusive"]),
    });
    return toGroupDto(after);
  });
}

export async function removeGroup(deps: TagsDeps, ctx: WorkspaceContext, groupId: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const group = await loadGroup(tx, ctx.workspaceId, groupId);
    const [member] = await tx.select({ id: tags.id }).from(tags).where(and(eq(tags.workspaceId, ctx.workspaceId), eq(tags.groupId, groupId))).limit(1);
    if (member) throw tagErrors.error("tags.group_not_empty", "Delete or move the group's tags first.");
    await tx.delete(tagGroups).where(eq(tagGroups.id, groupId));
    await appendAuditEntry(tx, deps.clock, ctx, {
      action: "tag_group.deleted",
      targetType: "tag_group",
      targetId: groupId,
      summary: `Deleted tag group ${group.name}`,
      before: { name: group.name, exclusive: group.exclusive },
    });
  });
}

// ---------------------------------------------------------------- tags

export function toTagDto(row: TagRow, holders?: number): TagDto {
  return {
    id: row.id,
    groupId: row.groupId,
    name: row.name,
    color: row.color,
    kind: row.kind as TagKind,
    definition: row.definition ?? null,
    ...(holders === undefined ? {} : { holders }),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    lastComputedAt: row.lastComputedAt?.toISOString() ?? null,
  };
}

export async function loadTag(db: Db, workspaceId: string, tagId: string): Promise<TagRow> {
  const [row] = isUuid(tagId) ? await db.select().from(tags).where(and(eq(tags.workspaceId, workspaceId), eq(tags.id, tagId))) : [];
  if (!row) throw tagErrors.error("tags.not_found", "No such tag.", { field: "tagId" });
  return row;
}

export async function listTags(db: Db, ctx: WorkspaceContext): Promise<TagListDto> {
  const [groups, rows, counts] = await Promise.all([
    db.select().from(tagGroups).where(eq(tagGroups.workspaceId, ctx.workspaceId)).orderBy(asc(tagGroups.name)),
    db.select().from(tags).where(eq(tags.workspaceId, ctx.workspaceId)).orderBy(asc(tags.name)),
    holderCounts(db, ctx.workspaceId),
  ]);
  return { groups: groups.map(toGroupDto), tags: rows.map((r) => toTagDto(r, counts.get(r.id) ?? 0)) };
}

function nameTaken(code: "tags.name_taken" | "tags.group_name_taken", name: string) {
  return (error: unknown): never => {
    if (isUniqueViolation(error)) throw tagErrors.error(code, `${name} is taken.`, { field: "name" });
    throw error;
  };
}

async function assertTagNameFree(db: Db, workspaceId: string, groupId: string | null, name: string, exceptId?: string) {
  const [clash] = await db
    .select({ id: tags.id })
    .from(tags)
    .where(
      and(
        eq(tags.workspaceId, workspaceId),
        groupId ? eq(tags.groupId, groupId) : isNull(tags.groupId),
        eq(tags.name, name),
        exceptId ? ne(tags.id, exceptId) : undefined,
      ),
    );
  if (clash) throw tagErrors.error("tags.name_taken", `A tag named ${name} exists already${groupId ? " in this group" : ""}.`, { field: "name" });
}

export function parseDefinition<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: ["definition", ...i.path.map(String)].join("."), message: i.message }));
    throw tagErrors.error("tags.invalid_definition", `definition: ${issues.map((i) => `${i.path} ${i.message}`).join("; ")}`, { issues });
  }
  return parsed.data;
}

export async function createTag(deps: TagsDeps, ctx: WorkspaceContext, body: CreateTagBody): Promise<TagDto> {
  return deps.db.transaction(async (tx) => {
    const now = deps.clock.now();
    const groupId = body.groupId ?? null;
    if (groupId) await loadGroup(tx, ctx.workspaceId, groupId);
    if (body.kind === "quantile") {
      const definition = parseDefinition(QuantileTagDefinition, body.definition);
      const names = definition.levels.map((l) => l.tagName);
      if (!names.includes(body.name) && !definition.levels.some((l) => l.tagId)) {
        throw tagErrors.error("tags.invalid_definition", "name must be one of the levels' tagName.", { field: "name" });
      }
      const levels = await saveQuantileScheme(deps, tx, ctx, body.groupId, definition, body.color ?? null);
      const own = levels.find((l) => l.name === body.name) ?? levels[0]!;
      await auditTag(deps, tx, ctx, "tag.created", own, null);
      return toTagDto(own);
    }
    await assertTagNameFree(tx, ctx.workspaceId, groupId, body.name);
    const definition = body.kind === "rule" ? (parseDefinition(RuleTagDefinition, body.definition) as unknown as Record<string, unknown>) : null;
    const row: TagRow = {
      id: newId(),
      workspaceId: ctx.workspaceId,
      groupId,
      name: body.name,
      color: body.color ?? null,
      kind: body.kind,
      definition,
      createdAt: now,
      updatedAt: now,
      lastComputedAt: null,
    };
    await tx.insert(tags).values(row).catch(nameTaken("tags.name_taken", body.name));
    await auditTag(deps, tx, ctx, "tag.created", row, null);
    return toTagDto(row);
  });
}

function auditTag(deps: TagsDeps, tx: Db, ctx: WorkspaceContext, action: string, after: TagRow | null, before: TagRow | null) {
  const view = (r: TagRow | null) => (r ? { name: r.name, groupId: r.groupId, color: r.color, kind: r.kind, definition: r.definition } : null);
  const diff =
    before && after ? diffFields(view(before)!, view(after)!, ["name", "groupId", "color", "kind", "definition"]) : { before: view(before), after: view(after) };
  const name = (after ?? before)!.name;
  return appendAuditEntry(tx, deps.clock, ctx, {
    action,
    targetType: "tag",
    targetId: (after ?? before)!.id,
    summary: `${action === "tag.created" ? "Created" : action === "tag.deleted" ? "Deleted" : "Changed"} tag ${name}`,
    ...diff,
  });
}

/**
 * Stores a quantile scheme on every level's tag (creating levels named but not found in the
 * group), and turns tags dropped from the scheme into manual tags that keep their holders.
 */
async function saveQuantileScheme(
  deps: TagsDeps,
  tx: Db,
  ctx: WorkspaceContext,
  groupId: string,
  definition: QuantileTagDefinition,
  color: string | null,
  previousLevelIds: readonly string[] = [],
): Promise<TagRow[]> {
  const group = await loadGroup(tx, ctx.workspaceId, groupId);
  if (!group.exclusive) {
    throw tagErrors.error("tags.invalid_definition", "A quantile tag's group must be exclusive: a customer is in one level at a time.", { field: "groupId" });
  }
  const now = deps.clock.now();
  const inGroup = await tx.select().from(tags).where(and(eq(tags.workspaceId, ctx.workspaceId), eq(tags.groupId, groupId)));
  const levelRows: TagRow[] = [];
  for (const [i, level] of definition.levels.entries()) {
    let row = level.tagId ? inGroup.find((t) => t.id === level.tagId) : inGroup.find((t) => t.name === level.tagName);
    if (level.tagId && !row) {
      throw tagErrors.error("tags.invalid_definition", `definition.levels.${i}.tagId is not a tag of the group.`, { field: `definition.levels.${i}.tagId` });
    }
    if (!row) {
      row = {
        id: newId(),
        workspaceId: ctx.workspaceId,
        groupId,
        name: level.tagName!,
        color,
        kind: "quantile",
        definition: null,
        createdAt: now,
        updatedAt: now,
        lastComputedAt: null,
      };
      await tx.insert(tags).values(row).catch(nameTaken("tags.name_taken", row.name));
      inGroup.push(row);
    } else if (row.kind === "rule" || (row.kind === "quantile" && !previousLevelIds.includes(row.id))) {
      throw tagErrors.error("tags.invalid_definition", `${row.name} is computed by another definition.`, { field: `definition.levels.${i}` });
    }
    if (levelRows.some((r) => r.id === row.id)) {
      throw tagErrors.error("tags.invalid_definition", `${row.name} is named by two levels.`, { field: `definition.levels.${i}` });
    }
    levelRows.push(row);
  }
  const stored = {
    metric: definition.metric,
    ...(definition.event === undefined ? {} : { event: definition.event }),
    ...(definition.windowDays === undefined ? {} : { windowDays: definition.windowDays }),
    levels: definition.levels.map((l, i) => ({ tagId: levelRows[i]!.id, ...(l.topPercent === undefined ? {} : { topPercent: l.topPercent }) })),
  };
  const ids = levelRows.map((r) => r.id);
  await tx.update(tags).set({ kind: "quantile", definition: stored, updatedAt: now }).where(inArray(tags.id, ids));
  const dropped = previousLevelIds.filter((id) => !ids.includes(id));
  if (dropped.length > 0) await tx.update(tags).set({ kind: "manual", definition: null, updatedAt: now }).where(inArray(tags.id, dropped));
  return levelRows.map((r) => ({ ...r, kind: "quantile", definition: stored, updatedAt: now }));
}

/** Whether a rule tests this tag anywhere in its tree. */
function mentionsTag(rule: SegmentRule, tagId: string): boolean {
  switch (rule.type) {
    case "tag":
      return rule.tagId === tagId;
    case "and":
    case "or":
      return rule.rules.some((r) => mentionsTag(r, tagId));
    case "not":
      return mentionsTag(rule.rule, tagId);
    default:
      return false;
  }
}

function quantileLevelIds(row: TagRow): string[] {
  const levels = (row.definition as { levels?: { tagId: string }[] } | null)?.levels ?? [];
  return levels.map((l) => l.tagId);
}

export async function updateTag(deps: TagsDeps, ctx: WorkspaceContext, tagId: string, body: UpdateTagBody): Promise<TagDto> {
  return deps.db.transaction(async (tx) => {
    const before = await loadTag(tx, ctx.workspaceId, tagId);
    const groupId = body.groupId === undefined ? before.groupId : body.groupId;
    if (groupId && groupId !== before.groupId) {
      if (before.kind === "quantile") throw tagErrors.error("tags.invalid_definition", "A quantile level stays in its scheme's group.", { field: "groupId" });
      await loadGroup(tx, ctx.workspaceId, groupId);
    }
    const name = body.name ?? before.name;
    if (name !== before.name || groupId !== before.groupId) await assertTagNameFree(tx, ctx.workspaceId, groupId, name, tagId);
    let definition = before.definition;
    if (body.definition !== undefined) {
      if (before.kind === "manual") throw tagErrors.error("tags.invalid_definition", "A manual tag has no definition.", { field: "definition" });
      if (before.kind === "rule") {
        const parsed = parseDefinition(RuleTagDefinition, body.definition);
        if (mentionsTag(parsed.rule, tagId)) {
          throw tagErrors.error("tags.invalid_definition", "definition.rule: a tag's rule cannot test the tag itself.", { field: "definition.rule" });
        }
        definition = parsed as unknown as Record<string, unknown>;
      }
      else {
        const scheme = parseDefinition(QuantileTagDefinition, body.definition);
        const saved = await saveQuantileScheme(deps, tx, ctx, before.groupId!, scheme, before.color, quantileLevelIds(before));
        definition = saved.find((r) => r.id === tagId)?.definition ?? null;
      }
    }
    const now = deps.clock.now();
    const after: TagRow = {
      ...before,
      name,
      groupId,
      color: body.color === undefined ? before.color : body.color,
      kind: definition === null && before.kind === "quantile" ? "manual" : before.kind,
      definition,
      updatedAt: now,
    };
    await tx
      .update(tags)
      .set({ name: after.name, groupId: after.groupId, color: after.color, kind: after.kind, definition: after.definition, updatedAt: now })
      .where(eq(tags.id, tagId))
      .catch(nameTaken("tags.name_taken", name));
    await auditTag(deps, tx, ctx, "tag.updated", after, before);
    return toTagDto(after);
  });
}

export async function removeTag(deps: TagsDeps, ctx: WorkspaceContext, tagId: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const tag = await loadTag(tx, ctx.workspaceId, tagId);
    const holders = (await holdersOf(tx, ctx.workspaceId, [tagId])).get(tagId) ?? new Set<string>();
    const change: ChangeContext = { workspaceId: ctx.workspaceId, source: "manual", addedBy: ctx.actor.name, now: deps.clock.now() };
    await removeHolders(tx, change, [{ id: tag.id, name: tag.name }], [...holders]);
    await tx.delete(profileTags).where(and(eq(profileTags.workspaceId, ctx.workspaceId), eq(profileTags.tagId, tagId)));
    await tx.delete(tags).where(eq(tags.id, tagId));
    if (tag.kind === "quantile") {
      // The other levels keep their scheme without this one.
      const others = quantileLevelIds(tag).filter((id) => id !== tagId);
      const def = tag.definition as { levels: { tagId: string }[] };
      const rest = { ...def, levels: def.levels.filter((l) => l.tagId !== tagId) };
      if (others.length > 0) await tx.update(tags).set({ definition: rest, updatedAt: change.now }).where(inArray(tags.id, others));
    }
    await auditTag(deps, tx, ctx, "tag.deleted", null, tag);
  });
}
