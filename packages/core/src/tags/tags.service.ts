import { and, asc, eq, inArray, ne } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { type AssignTagBody, type CreateTagBody, type CreateTagGroupBody, type TagAssignResultDto, type TagRecomputeDto, type TagSource, type UpdateTagBody, type UpdateTagGroupBody } from "@siyu/contracts";
import { systemContext, type WorkspaceContext } from "../shared/context";
import { tagErrors } from "./tags.errors";
import { tags } from "./tags.schema";
import { tagSettingsStore, type TagSettings } from "./tags.settings";
import { syncProfileTagsToWarehouse, syncTagsToWarehouse } from "./tags.warehouse";
import { createGroup, createTag, listTags, loadTag, removeGroup, removeTag, toTagDto, updateGroup, updateTag } from "./tag-definitions";
import { changeHolders, tagsOfProfile } from "./tag-holders";
import { importCsv } from "./tag-import";
import { recomputeTag } from "./tag-recompute";
import { type TagsDeps } from "./tags.types";

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
