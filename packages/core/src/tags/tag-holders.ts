// Who holds a tag: resolving customers by id or identifier, adding and removing holders with their events.
import { and, eq, inArray, ne } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { type AssignTagBody, type ProfileTagDto, type TagAssignItemDto, type TagAssignResultDto, type TagKind, type TagSource } from "@siyu/contracts";
import { appendAuditEntry } from "../audit";
import { type WorkspaceContext } from "../shared/context";
import { isUuid } from "../shared/ids";
import { tagErrors } from "./tags.errors";
import { addHolders, liveIdsOf, removeHolders, tagsHeldBy, type ChangeContext, type TagRef } from "./tags.repository";
import { tagGroups, tags } from "./tags.schema";
import { loadTag } from "./tag-definitions";
import { type TagRow, type TagsDeps } from "./tags.types";

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
export async function resolveItems(db: Db, workspaceId: string, body: AssignTagBody, found: IdentityAnswers): Promise<ResolvedItems> {
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

export async function exclusiveSiblings(db: Db, tag: TagRow): Promise<TagRef[]> {
  if (!tag.groupId) return [];
  const [group] = await db.select().from(tagGroups).where(eq(tagGroups.id, tag.groupId));
  if (!group?.exclusive) return [];
  return db
    .select({ id: tags.id, name: tags.name })
    .from(tags)
    .where(and(eq(tags.workspaceId, tag.workspaceId), eq(tags.groupId, tag.groupId), ne(tags.id, tag.id)));
}

export async function changeHolders(
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

export async function tagsOfProfile(db: Db, ctx: WorkspaceContext, profileId: string): Promise<ProfileTagDto[]> {
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
