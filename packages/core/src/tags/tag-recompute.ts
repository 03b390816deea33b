// Computed tags (rule and quantile): the new set of holders against the held one, changes with their events.
import { and, eq, inArray } from "@siyu/storage/orm";
import { QuantileTagDefinition, RuleTagDefinition, type TagRecomputeDto } from "@siyu/contracts";
import { appendAuditEntry } from "../audit";
import { type WorkspaceContext } from "../shared/context";
import { tagErrors } from "./tags.errors";
import { addHolders, holdersOf, liveIdsOf, removeHolders, type ChangeContext } from "./tags.repository";
import { tags } from "./tags.schema";
import { computeQuantileLevels } from "./tags.warehouse";
import { loadTag, parseDefinition } from "./tag-definitions";
import { exclusiveSiblings } from "./tag-holders";
import { type TagRow, type TagsDeps } from "./tags.types";

// ---------------------------------------------------------------- computed tags

export async function recomputeTag(
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
