import { and, asc, eq, inArray, isNull, ne } from "@siyu/storage/orm";
import type { Db, Warehouse } from "@siyu/storage";
import {
  QuantileTagDefinition,
  RuleTagDefinition,
  type AssignTagBody,
  type CreateTagBody,
  type CreateTagGroupBody,
  type ImportRowError,
  type ProfileTagDto,
  type SegmentRule,
  type TagAssignItemDto,
  type TagAssignResultDto,
  type TagDto,
  type TagGroupDto,
  type TagImportReportDto,
  type TagKind,
  type TagListDto,
  type TagRecomputeDto,
  type TagSource,
  type UpdateTagBody,
  type UpdateTagGroupBody,
} from "@siyu/contracts";
import type { z } from "zod";
import { appendAuditEntry, diffFields } from "../audit";
import { parseCsv } from "../imports";
import type { Clock } from "../shared/clock";
import { systemContext, type WorkspaceContext } from "../shared/context";
import { isUniqueViolation } from "../shared/domain-error";
import { isUuid, newId } from "../shared/ids";
import { tagErrors } from "./tags.errors";
import { addHolders, holderCounts, holdersOf, liveIdsOf, removeHolders, tagsHeldBy, type ChangeContext, type TagRef } from "./tags.repository";
import { profileTags, tagGroups, tags } from "./tags.schema";
import { tagSettingsStore, type TagSettings } from "./tags.settings";
import { computeQuantileLevels, syncProfileTagsToWarehouse, syncTagsToWarehouse } from "./tags.warehouse";

/**
 * The seam to the segments module: the live profile ids a segment rule matches now.
 * The lead wires it to segments' evaluator; rule tags cannot be computed without it.
 */
export type EvaluateRule = (workspaceId: string, rule: SegmentRule, options: { now: Date }) => Promise<string[]>;

export interface TagsDeps {
  db: Db;
  clock: Clock;
  /** Quantile tags and the warehouse copy of tags need it; without it they are skipped or refused. */
  warehouse?: Warehouse;
  /** Identity's lookup: the live customer of each identifier (services.identity.profilesOfIdentifiers). */
  profilesOfIdentifiers: (workspaceId: string, identifiers: readonly { type: string; value: string }[]) => Promise<({ profileId: string | null } | { error: string })[]>;
  evaluateRule?: EvaluateRule;
}

type TagRow = typeof tags.$inferSelect;
type GroupRow = typeof tagGroups.$inferSelect;

export function createTagsService(deps: TagsDeps) {
  const sync = warehouseSyncQueue(deps);
  const service = {
    settings: (workspaceId: string) => loadSettings(deps.db, workspaceId),
    updateSettings: (ctx: WorkspaceContext, input: Partial<TagSettings>) => updateSettings(deps, ctx, input),

    list: (ctx: WorkspaceContext) => listTags(deps.db, ctx),
    get: async (ctx: WorkspaceContext, tagId: string) => toTagDto(await loadTag(deps.db, ctx.workspaceId, tagId)),
    create: (ctx: WorkspaceContext, body: CreateTagBody) => createTag(deps, ctx, body),
    update: (ctx: WorkspaceContext, tagId: string, body: UpdateTagBody) => updateTag(deps, ctx, tagId, body),
    remove: async (ctx: WorkspaceContext, tagId: string) => {
      await removeTag(deps, ctx, tagId);
      await sync(ctx.workspaceId);
    },

    createGroup: (ctx: WorkspaceContext, body: CreateTagGroupBody) => createGroup(deps, ctx, body),
    updateGroup: (ctx: WorkspaceContext, groupId: string, body: UpdateTagGroupBody) => updateGroup(deps, ctx, groupId, body),
    removeGroup: (ctx: WorkspaceContext, groupId: string) => removeGroup(deps, ctx, groupId),

    /** Gives a manual tag to customers named by profile id or identifier; unknown ones are reported per item. */
    assign: async (ctx: WorkspaceContext, tagId: string, body: AssignTagBody, source: TagSource = "manual") => {
      const result = await changeHolders(deps, ctx, tagId, body, "assign", source);
      await sync(ctx.workspaceId, touched(result));
      return result;
    },
    unassign: async (ctx: WorkspaceContext, tagId: string, body: AssignTagBody) => {
      const result = await changeHolders(deps, ctx, tagId, body, "unassign", "manual");
      await sync(ctx.workspaceId, touched(result));
      return result;
    },
    importCsv: async (ctx: WorkspaceContext, text: string, options: { fileName?: string } = {}) => {
      const { report, affected } = await importCsv(deps, ctx, text, options);
      if (affected.length > 0) await sync(ctx.workspaceId, affected);
      return report;
    },

    /** The tags a customer holds (through any id merged into them). */
    tagsOf: (ctx: WorkspaceContext, profileId: string) => tagsOfProfile(deps.db, ctx, profileId),
    addToProfile: async (ctx: WorkspaceContext, profileId: string, tagId: string) => {
      const result = await changeHolders(deps, ctx, tagId, { profileIds: [profileId] }, "assign", "manual");
      if (result.unknown > 0) throw tagErrors.error("tags.not_found", "No such customer.");
      await sync(ctx.workspaceId, touched(result));
      return tagsOfProfile(deps.db, ctx, profileId);
    },
    removeFromProfile: async (ctx: WorkspaceContext, profileId: string, tagId: string) => {
      const result = await changeHolders(deps, ctx, tagId, { profileIds: [profileId] }, "unassign", "manual");
      if (result.unknown > 0) throw tagErrors.error("tags.not_found", "No such customer.");
      await sync(ctx.workspaceId, touched(result));
    },

    /** Recomputes a rule or quantile tag now (a quantile tag: every level of its scheme). */
    recompute: async (ctx: WorkspaceContext, tagId: string): Promise<TagRecomputeDto> => {
      const { result, affected } = await recomputeTag(deps, ctx, tagId);
      await sync(ctx.workspaceId, affected);
      return result;
    },
    /** The worker's schedule: recomputes every computed tag whose workspace interval has passed. */
    recomputeDue: async (): Promise<number> => {
      const now = deps.clock.now();
      const due = await deps.db
        .select({ id: tags.id, workspaceId: tags.workspaceId, lastComputedAt: tags.lastComputedAt, kind: tags.kind })
        .from(tags)
        .where(ne(tags.kind, "manual"))
        .orderBy(asc(tags.workspaceId), asc(tags.id));
      const settingsOf = new Map<string, TagSettings>();
      const done = new Set<string>();
      let count = 0;
      for (const tag of due) {
        if (done.has(tag.id)) continue;
        let settings = settingsOf.get(tag.workspaceId);
        if (!settings) settingsOf.set(tag.workspaceId, (settings = await loadSettings(deps.db, tag.workspaceId)));
        if (tag.lastComputedAt && now.getTime() - tag.lastComputedAt.getTime() < settings.recomputeIntervalMinutes * 60_000) continue;
        if (tag.kind === "rule" && !deps.evaluateRule) continue;
        if (tag.kind === "quantile" && !deps.warehouse) continue;
        const ctx = systemContext(tag.workspaceId);
        const { affected } = await recomputeTag(deps, ctx, tag.id, done);
        count += 1;
        await sync(tag.workspaceId, affected);
      }
      return count;
    },
    /** Copies the workspace's tags to the warehouse now (it also happens after every change). */
    syncWarehouse: (workspaceId: string) => sync(workspaceId),
    /** Which of these ids are tags of the workspace (segment rules name tags by id). */
    knownIds: async (workspaceId: string, ids: readonly string[]): Promise<Set<string>> => {
      if (ids.length === 0) return new Set();
      const rows = await deps.db
        .select({ id: tags.id })
        .from(tags)
        .where(and(eq(tags.workspaceId, workspaceId), inArray(tags.id, [...ids])));
      return new Set(rows.map((r) => r.id));
    },
  };
  return service;
}
export type TagsService = ReturnType<typeof createTagsService>;

/** The live customers a bulk change named: their rows are the ones to copy again. */
function touched(result: TagAssignResultDto): string[] {
  return [...new Set(result.items.flatMap((i) => (i.liveProfileId ? [i.liveProfileId] : [])))];
}

/** Above this many customers a change copies the workspace's whole tag set instead of theirs. */
const PARTIAL_SYNC_LIMIT = 5_000;

/**
 * After a change the warehouse copy follows: the rows of the customers it touched (or, with no
 * list or a long one, the workspace's), one copy at a time, requests waiting meanwhile folded into one.
 */
function warehouseSyncQueue(deps: TagsDeps) {
  const queued = new Map<string, { ids: Set<string> | null; done: Promise<void> }>();
  let tail: Promise<unknown> = Promise.resolve();
  return (workspaceId: string, liveIds?: readonly string[]): Promise<void> => {
    const { warehouse } = deps;
    if (!warehouse) return Promise.resolve();
    const waiting = queued.get(workspaceId);
    if (waiting) {
      if (waiting.ids && liveIds) for (const id of liveIds) waiting.ids.add(id);
      if (!liveIds || (waiting.ids && waiting.ids.size > PARTIAL_SYNC_LIMIT)) waiting.ids = null;
      return waiting.done;
    }
    const entry: { ids: Set<string> | null; done: Promise<void> } = {
      ids: liveIds && liveIds.length <= PARTIAL_SYNC_LIMIT ? new Set(liveIds) : null,
      done: Promise.resolve(),
    };
    entry.done = tail.then(async () => {
      queued.delete(workspaceId);
      const ids = entry.ids;
      // The change is committed; a failed copy is repaired by the next one or the profile snapshot.
      await (ids ? syncProfileTagsToWarehouse({ db: deps.db, warehouse, workspaceId, liveIds: [...ids] }) : syncTagsToWarehouse({ db: deps.db, warehouse, workspaceId })).catch(
        () => undefined,
      );
    });
    queued.set(workspaceId, entry);
    tail = entry.done;
    return entry.done;
  };
}

// ---------------------------------------------------------------- settings

const loadSettings = (db: Db, workspaceId: string): Promise<TagSettings> => tagSettingsStore.load(db, workspaceId);

const updateSettings = (deps: TagsDeps, ctx: WorkspaceContext, input: Partial<TagSettings>) => tagSettingsStore.update(deps.db, deps.clock, ctx, input);

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

async function createGroup(deps: TagsDeps, ctx: WorkspaceContext, body: CreateTagGroupBody): Promise<TagGroupDto> {
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

async function updateGroup(deps: TagsDeps, ctx: WorkspaceContext, groupId: string, body: UpdateTagGroupBody): Promise<TagGroupDto> {
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

async function removeGroup(deps: TagsDeps, ctx: WorkspaceContext, groupId: string): Promise<void> {
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

function toTagDto(row: TagRow, holders?: number): TagDto {
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

async function loadTag(db: Db, workspaceId: string, tagId: string): Promise<TagRow> {
  const [row] = isUuid(tagId) ? await db.select().from(tags).where(and(eq(tags.workspaceId, workspaceId), eq(tags.id, tagId))) : [];
  if (!row) throw tagErrors.error("tags.not_found", "No such tag.", { field: "tagId" });
  return row;
}

async function listTags(db: Db, ctx: WorkspaceContext): Promise<TagListDto> {
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

function parseDefinition<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: ["definition", ...i.path.map(String)].join("."), message: i.message }));
    throw tagErrors.error("tags.invalid_definition", `definition: ${issues.map((i) => `${i.path} ${i.message}`).join("; ")}`, { issues });
  }
  return parsed.data;
}

async function createTag(deps: TagsDeps, ctx: WorkspaceContext, body: CreateTagBody): Promise<TagDto> {
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

async function updateTag(deps: TagsDeps, ctx: WorkspaceContext, tagId: string, body: UpdateTagBody): Promise<TagDto> {
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

async function removeTag(deps: TagsDeps, ctx: WorkspaceContext, tagId: string): Promise<void> {
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

// ---------------------------------------------------------------- holders

interface ResolvedItems {
  items: TagAssignItemDto[];
  liveIds: string[];
}

type IdentityAnswers = Awaited<ReturnType<TagsDeps["profilesOfIdentifiers"]>>;

/**
 * Maps the items to live customers: malformed and unknown ones are reported, not fatal.
 * `found` is identity's answer for body.identifiers, asked before the transaction (identity
 * reads through its own handle).
 */
async function resolveItems(db: Db, workspaceId: string, body: AssignTagBody, found: IdentityAnswers): Promise<ResolvedItems> {
  const profileIds = body.profileIds ?? [];
  const identifiers = body.identifiers ?? [];
  const live = await liveIdsOf(db, workspaceId, profileIds.filter(isUuid));
  const items: TagAssignItemDto[] = profileIds.map((profileId) => {
    const liveProfileId = live.get(profileId) ?? null;
    if (!isUuid(profileId)) return { profileId, liveProfileId: null, status: "invalid", reason: "is not a profile id" };
    return liveProfileId ? { profileId, liveProfileId, status: "unchanged" } : { profileId, liveProfileId: null, status: "unknown_profile", reason: "no such customer" };
  });
  // identity's profile ids are live already; mapping them again is cheap insurance against a stale one.
  const viaIdentity = await liveIdsOf(db, workspaceId, found.flatMap((f) => ("profileId" in f && f.profileId ? [f.profileId] : [])));
  identifiers.forEach((identifier, i) => {
    const f = found[i]!;
    if ("error" in f) items.push({ identifier, liveProfileId: null, status: "invalid", reason: f.error });
    else {
      const liveProfileId = f.profileId ? (viaIdentity.get(f.profileId) ?? null) : null;
      items.push(
        liveProfileId ? { identifier, liveProfileId, status: "unchanged" } : { identifier, liveProfileId: null, status: "unknown_profile", reason: `no customer has this ${identifier.type}` },
      );
    }
  });
  return { items, liveIds: [...new Set(items.flatMap((i) => (i.liveProfileId ? [i.liveProfileId] : [])))] };
}

async function exclusiveSiblings(db: Db, tag: TagRow): Promise<TagRef[]> {
  if (!tag.groupId) return [];
  const [group] = await db.select().from(tagGroups).where(eq(tagGroups.id, tag.groupId));
  if (!group?.exclusive) return [];
  return db
    .select({ id: tags.id, name: tags.name })
    .from(tags)
    .where(and(eq(tags.workspaceId, tag.workspaceId), eq(tags.groupId, tag.groupId), ne(tags.id, tag.id)));
}

async function changeHolders(
  deps: TagsDeps,
  ctx: WorkspaceContext,
  tagId: string,
  body: AssignTagBody,
  action: "assign" | "unassign",
  source: TagSource,
): Promise<TagAssignResultDto> {
  const found = await deps.profilesOfIdentifiers(ctx.workspaceId, body.identifiers ?? []);
  return deps.db.transaction(async (tx) => {
    const tag = await loadTag(tx, ctx.workspaceId, tagId);
    if (tag.kind !== "manual") throw tagErrors.error("tags.not_manual", `${tag.name} is computed by its ${tag.kind}; it cannot be given or taken by hand.`, { field: "tagId" });
    const { items, liveIds } = await resolveItems(tx, ctx.workspaceId, body, found);
    const change: ChangeContext = { workspaceId: ctx.workspaceId, source, addedBy: ctx.actor.name, now: deps.clock.now() };
    const ref = { id: tag.id, name: tag.name };
    const changed = new Set(
      action === "assign"
        ? await addHolders(tx, change, ref, liveIds, await exclusiveSiblings(tx, tag))
        : ((await removeHolders(tx, change, [ref], liveIds)).get(tag.id) ?? []),
    );
    // An item is "changed" once: a second item naming the same customer found it done.
    const reported = new Set<string>();
    for (const item of items) {
      if (item.liveProfileId && changed.has(item.liveProfileId) && !reported.has(item.liveProfileId)) {
        item.status = "changed";
        reported.add(item.liveProfileId);
      }
    }
    const result = {
      changed: items.filter((i) => i.status === "changed").length,
      unchanged: items.filter((i) => i.status === "unchanged").length,
      unknown: items.filter((i) => i.status === "unknown_profile" || i.status === "invalid").length,
      items,
    };
    const whom =
      items.length === 1 && items[0]!.liveProfileId ? `customer ${items[0]!.liveProfileId}` : `${result.changed} of ${items.length} customers`;
    await appendAuditEntry(tx, deps.clock, ctx, {
      action: action === "assign" ? "tag.assigned" : "tag.unassigned",
      targetType: "tag",
      targetId: tag.id,
      summary: `${action === "assign" ? "Gave" : "Took"} tag ${tag.name} ${action === "assign" ? "to" : "from"} ${whom}${
        items.length === 1 && result.changed === 0 ? " (no change)" : ""
      }`,
      after: { changed: result.changed, unchanged: result.unchanged, unknown: result.unknown },
    });
    return result;
  });
}

async function tagsOfProfile(db: Db, ctx: WorkspaceContext, profileId: string): Promise<ProfileTagDto[]> {
  const live = isUuid(profileId) ? (await liveIdsOf(db, ctx.workspaceId, [profileId])).get(profileId) : undefined;
  if (!live) throw tagErrors.error("tags.not_found", "No such customer.", { field: "profileId" });
  const held = await tagsHeldBy(db, ctx.workspaceId, [live]);
  if (held.length === 0) return [];
  const tagRows = await db.select().from(tags).where(inArray(tags.id, [...new Set(held.map((h) => h.tag_id))]));
  const groupIds = [...new Set(tagRows.flatMap((t) => (t.groupId ? [t.groupId] : [])))];
  const groups = groupIds.length ? await db.select().from(tagGroups).where(inArray(tagGroups.id, groupIds)) : [];
  const tagById = new Map(tagRows.map((t) => [t.id, t]));
  const groupById = new Map(groups.map((g) => [g.id, g]));
  return held.flatMap((h) => {
    const tag = tagById.get(h.tag_id);
    if (!tag) return [];
    return [
      {
        tagId: tag.id,
        name: tag.name,
        color: tag.color,
        kind: tag.kind as TagKind,
        groupId: tag.groupId,
        groupName: tag.groupId ? (groupById.get(tag.groupId)?.name ?? null) : null,
        source: h.source,
        addedAt: new Date(h.added_at).toISOString(),
        addedBy: h.added_by,
      },
    ];
  });
}

// ---------------------------------------------------------------- CSV import

const MAX_REPORTED_ERRORS = 1000;
/** Columns naming the customer directly; identifier_type + identifier_value name any type. */
const IDENTIFIER_COLUMNS = ["phone", "user_id", "email", "wechat_unionid", "wecom_external_userid", "tmall_id", "douyin_openid"];

async function importCsv(
  deps: TagsDeps,
  ctx: WorkspaceContext,
  text: string,
  options: { fileName?: string },
): Promise<{ report: TagImportReportDto; affected: string[] }> {
  const records = parseCsv(text);
  const header = records.shift();
  if (!header) throw tagErrors.error("tags.invalid_csv", "The file is empty; line 1 must be a header.", { field: "header" });
  const columns = header.fields.map((f) => f.trim().toLowerCase());
  const col = (name: string) => columns.indexOf(name);
  const typeCol = col("identifier_type");
  const valueCol = col("identifier_value");
  const profileCol = col("profile_id");
  const idCols = IDENTIFIER_COLUMNS.map((type) => ({ type, index: col(type) })).filter((c) => c.index >= 0);
  const tagCol = col("tag");
  const tagIdCol = col("tag_id");
  const groupCol = col("group");
  if (tagCol < 0 && tagIdCol < 0) throw tagErrors.error("tags.invalid_csv", "Line 1 needs a tag column (the tag's name) or tag_id.", { field: "tag" });
  if ((typeCol < 0) !== (valueCol < 0)) throw tagErrors.error("tags.invalid_csv", "identifier_type and identifier_value come together.", { field: typeCol < 0 ? "identifier_type" : "identifier_value" });
  if (typeCol < 0 && profileCol < 0 && idCols.length === 0) {
    throw tagErrors.error("tags.invalid_csv", `Line 1 needs a column naming the customer: identifier_type + identifier_value, profile_id, or one of ${IDENTIFIER_COLUMNS.join(", ")}.`, {
      field: "identifier_type",
    });
  }

  const allTags = await deps.db.select().from(tags).where(eq(tags.workspaceId, ctx.workspaceId));
  const groups = await deps.db.select().from(tagGroups).where(eq(tagGroups.workspaceId, ctx.workspaceId));
  const errors: ImportRowError[] = [];
  let rejected = 0;
  const reject = (line: number, field: string, reason: string) => {
    rejected += 1;
    if (errors.length < MAX_REPORTED_ERRORS) errors.push({ line, field, reason });
  };

  interface Row {
    line: number;
    tag: TagRow;
    field: string;
    profileId?: string;
    identifier?: { type: string; value: string };
  }
  const rowsOk: Row[] = [];
  let rowCount = 0;
  for (const record of records) {
    const cell = (i: number) => (i >= 0 ? (record.fields[i] ?? "").trim() : "");
    if (record.fields.every((f) => f.trim() === "")) continue;
    rowCount += 1;
    if (record.problem) {
      reject(record.line, "row", record.problem);
      continue;
    }
    // The tag
    let tag: TagRow | undefined;
    if (tagIdCol >= 0 && cell(tagIdCol)) {
      tag = allTags.find((t) => t.id === cell(tagIdCol));
      if (!tag) {
        reject(record.line, "tag_id", "no such tag");
        continue;
      }
    } else {
      const name = cell(tagCol);
      if (!name) {
        reject(record.line, tagCol >= 0 ? "tag" : "tag_id", "is empty");
        continue;
      }
      const groupName = cell(groupCol);
      const group = groupName ? groups.find((g) => g.name === groupName) : undefined;
      if (groupName && !group) {
        reject(record.line, "group", `no tag group named ${groupName}`);
        continue;
      }
      const matches = allTags.filter((t) => t.name === name && (!group || t.groupId === group.id));
      if (matches.length === 0) {
        reject(record.line, "tag", `no tag named ${name}`);
        continue;
      }
      if (matches.length > 1) {
        reject(record.line, "tag", `${matches.length} tags are named ${name}; add a group column`);
        continue;
      }
      tag = matches[0]!;
    }
    if (tag.kind !== "manual") {
      reject(record.line, tagIdCol >= 0 && cell(tagIdCol) ? "tag_id" : "tag", `${tag.name} is computed; it cannot be imported`);
      continue;
    }
    // The customer: the first filled column of identifier_type/value, profile_id, then the identifier columns.
    if (typeCol >= 0 && (cell(typeCol) || cell(valueCol))) {
      if (!cell(typeCol)) reject(record.line, "identifier_type", "is empty");
      else if (!cell(valueCol)) reject(record.line, "identifier_value", "is empty");
      else rowsOk.push({ line: record.line, tag, field: "identifier_value", identifier: { type: cell(typeCol), value: cell(valueCol) } });
      continue;
    }
    if (profileCol >= 0 && cell(profileCol)) {
      rowsOk.push({ line: record.line, tag, field: "profile_id", profileId: cell(profileCol) });
      continue;
    }
    const filled = idCols.find((c) => cell(c.index));
    if (!filled) {
      reject(record.line, idCols[0]?.type ?? (profileCol >= 0 ? "profile_id" : "identifier_value"), "names no customer: the column is empty");
      continue;
    }
    rowsOk.push({ line: record.line, tag, field: filled.type, identifier: { type: filled.type, value: cell(filled.index) } });
  }

  let added = 0;
  let unchanged = 0;
  const affected = new Set<string>();
  const named = {
    profileIds: rowsOk.flatMap((r) => (r.profileId ? [r.profileId] : [])),
    identifiers: rowsOk.flatMap((r) => (r.identifier ? [r.identifier] : [])),
  };
  const found = await deps.profilesOfIdentifiers(ctx.workspaceId, named.identifiers);
  await deps.db.transaction(async (tx) => {
    const resolved = await resolveItems(tx, ctx.workspaceId, named, found);
    // resolveItems answers profile ids first, then identifiers: line them up with the rows.
    const ordered = [...rowsOk.filter((r) => r.profileId), ...rowsOk.filter((r) => r.identifier)];
    const byTag = new Map<string, { tag: TagRow; rows: { row: Row; live: string }[] }>();
    ordered.forEach((row, i) => {
      const item = resolved.items[i]!;
      if (!item.liveProfileId) {
        reject(row.line, row.field, item.reason ?? "no such customer");
        return;
      }
      let entry = byTag.get(row.tag.id);
      if (!entry) byTag.set(row.tag.id, (entry = { tag: row.tag, rows: [] }));
      entry.rows.push({ row, live: item.liveProfileId });
    });
    const change: ChangeContext = { workspaceId: ctx.workspaceId, source: "import", addedBy: ctx.actor.name, now: deps.clock.now() };
    for (const { tag, rows: tagRows } of byTag.values()) {
      const gained = new Set(await addHolders(tx, change, { id: tag.id, name: tag.name }, tagRows.map((r) => r.live), await exclusiveSiblings(tx, tag)));
      if (gained.size > 0) for (const r of tagRows) affected.add(r.live);
      for (const r of tagRows) {
        if (gained.delete(r.live)) added += 1;
        else unchanged += 1;
      }
    }
    await appendAuditEntry(tx, deps.clock, ctx, {
      action: "tag.imported",
      targetType: "tag",
      targetId: null,
      summary: `Imported tags${options.fileName ? ` from ${options.fileName}` : ""}: ${rowCount} rows, ${added} added, ${unchanged} unchanged, ${rejected} rejected`,
      after: { rows: rowCount, added, unchanged, rejected },
    });
  });
  errors.sort((a, b) => a.line - b.line);
  return { report: { rows: rowCount, added, unchanged, rejected, errors, errorsOmitted: rejected - errors.length }, affected: [...affected] };
}

// ---------------------------------------------------------------- computed tags

async function recomputeTag(
  deps: TagsDeps,
  ctx: WorkspaceContext,
  tagId: string,
  done?: Set<string>,
): Promise<{ result: TagRecomputeDto; affected: string[] }> {
  const tag = await loadTag(deps.db, ctx.workspaceId, tagId);
  const now = deps.clock.now();
  let levels: { tag: TagRow; members: string[] }[];
  if (tag.kind === "rule") {
    if (!deps.evaluateRule) throw tagErrors.error("tags.rule_engine_unavailable", "Rule tags need the segments module, which this server runs without.");
    const { rule } = parseDefinition(RuleTagDefinition, tag.definition);
    const ids = await deps.evaluateRule(ctx.workspaceId, rule, { now });
    const live = await liveIdsOf(deps.db, ctx.workspaceId, ids);
    levels = [{ tag, members: [...new Set(live.values())] }];
  } else if (tag.kind === "quantile") {
    if (!deps.warehouse) throw tagErrors.error("tags.warehouse_unavailable", "Quantile tags are computed in the warehouse, which this server runs without.");
    const scheme = parseDefinition(QuantileTagDefinition, tag.definition);
    const levelIds = scheme.levels.map((l) => l.tagId!);
    const levelRows = await deps.db.select().from(tags).where(and(eq(tags.workspaceId, ctx.workspaceId), inArray(tags.id, levelIds)));
    const computed = await computeQuantileLevels(deps.warehouse, ctx.workspaceId, scheme, now);
    const live = await liveIdsOf(deps.db, ctx.workspaceId, computed.flat());
    levels = levelIds.flatMap((id, i) => {
      const row = levelRows.find((r) => r.id === id);
      return row ? [{ tag: row, members: [...new Set(computed[i]!.flatMap((p) => (live.has(p) ? [live.get(p)!] : [])))] }] : [];
    });
  } else {
    throw tagErrors.error("tags.not_computed", `${tag.name} is a manual tag; there is nothing to recompute.`, { field: "tagId" });
  }
  for (const level of levels) done?.add(level.tag.id);

  return deps.db.transaction(async (tx) => {
    const change: ChangeContext = { workspaceId: ctx.workspaceId, source: "computed", addedBy: null, now };
    const held = await holdersOf(tx, ctx.workspaceId, levels.map((l) => l.tag.id));
    let added = 0;
    let removed = 0;
    const affected = new Set<string>();
    // Removals first: a customer moving between levels of an exclusive group leaves one, then enters the other.
    for (const { tag: t, members } of levels) {
      const keep = new Set(members);
      const gone = [...(held.get(t.id) ?? [])].filter((id) => !keep.has(id));
      const lost = (await removeHolders(tx, change, [{ id: t.id, name: t.name }], gone)).get(t.id) ?? [];
      removed += lost.length;
      for (const id of lost) affected.add(id);
    }
    for (const { tag: t, members } of levels) {
      const had = held.get(t.id) ?? new Set<string>();
      const fresh = members.filter((id) => !had.has(id));
      const gained = await addHolders(tx, change, { id: t.id, name: t.name }, fresh, await exclusiveSiblings(tx, t));
      added += gained.length;
      for (const id of gained) affected.add(id);
    }
    await tx
      .update(tags)
      .set({ lastComputedAt: now })
      .where(inArray(tags.id, levels.map((l) => l.tag.id)));
    const own = levels.find((l) => l.tag.id === tagId);
    if (ctx.actor.type !== "system") {
      await appendAuditEntry(tx, deps.clock, ctx, {
        action: "tag.recomputed",
        targetType: "tag",
        targetId: tagId,
        summary: `Recomputed tag ${tag.name}: ${added} added, ${removed} removed`,
        after: { added, removed },
      });
    }
    return { result: { added, removed, holders: own?.members.length ?? 0, computedAt: now.toISOString() }, affected: [...affected] };
  });
}
