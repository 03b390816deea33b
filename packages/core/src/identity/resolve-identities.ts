import type { Db } from "@siyu/storage";
import { newId } from "../shared/ids";
import { anchorOf, identifierKey, type Identifier } from "./identifiers";
import { compareEdges, edgeKey, resolveComponent, type IdentityEdge, type Separation } from "./identity-graph";
import type { IdentitySettings } from "./identity.settings";
import * as repo from "./identity.repository";

export interface IdentityInputEvent {
  seq: number;
  messageId: string;
  ts: Date;
  identifiers: Identifier[];
}

export interface ResolvedBatch {
  /** Each event's anchor identifier id (absent when the event carried no usable identifier). */
  anchors: Map<number, string>;
  /** Profiles whose identifiers changed: their materialised view must be refreshed. */
  affectedProfiles: Set<string>;
  /** Profiles that exist now (new ones need a row). */
  liveProfiles: Set<string>;
  /** Profiles that no longer own any identifier, with the profile that absorbed them. */
  absorbed: Map<string, string>;
  /** The profile each identifier of the batch belongs to once the batch is resolved. */
  profileOf: Map<string, string>;
  /**
   * Profiles this batch created whose identifiers all stayed in them: their members are
   * exactly these identifiers, all new, so their facts are this batch's alone.
   */
  freshProfiles: Map<string, Identifier[]>;
}

/**
 * Writes a batch of events' identifiers into the identity graph and re-judges
 * every component a new or earlier link touches. Runs inside the consumer's
 * transaction, so a crash leaves the graph as it was before the batch.
 */
export async function resolveIdentities(
  db: Db,
  workspaceId: string,
  events: readonly IdentityInputEvent[],
  settings: IdentitySettings,
  now: Date,
): Promise<ResolvedBatch> {
  const result: ResolvedBatch = {
    anchors: new Map(),
    affectedProfiles: new Set(),
    liveProfiles: new Set(),
    absorbed: new Map(),
    profileOf: new Map(),
    freshProfiles: new Map(),
  };
  const ordered = [...events].sort((x, y) => x.ts.getTime() - y.ts.getTime() || (x.messageId < y.messageId ? -1 : 1));

  // 1. Identifiers first seen in an event are born together, in one new profile.
  const candidates = new Map<string, repo.NewIdentifier>();
  for (const event of ordered) {
    const fresh = event.identifiers.filter((id) => !candidates.has(identifierKey(id)));
    if (fresh.length === 0) continue;
    const profileId = newId();
    for (const id of fresh) {
      candidates.set(identifierKey(id), { id: newId(), type: id.type, value: id.value, profile_id: profileId, first_seen_at: event.ts.toISOString() });
    }
  }
  const upserted = await repo.upsertIdentifiers(db, workspaceId, [...candidates.values()]);
  const inserted = upserted.inserted;
  const known = new Map(upserted.rows.map((row) => [identifierKey(row), row]));
  for (const row of known.values()) if (inserted.has(row.id)) result.affectedProfiles.add(row.profile_id);

  // 2. Links: the anchor of each event to each other identifier it carries; a pair keeps its earliest event.
  const links = new Map<string, { a_id: string; b_id: string; message_id: string; ts: string; at: number }>();
  for (const event of ordered) {
    const anchor = anchorOf(event.identifiers);
    if (!anchor) continue;
    const anchorRow = known.get(identifierKey(anchor))!;
    result.anchors.set(event.seq, anchorRow.id);
    for (const id of event.identifiers) {
      const row = known.get(identifierKey(id))!;
      if (row.id === anchorRow.id) continue;
      const [a, b] = row.id < anchorRow.id ? [row.id, anchorRow.id] : [anchorRow.id, row.id];
      const pair = `${a}|${b}`;
      const existing = links.get(pair);
      const at = event.ts.getTime();
      if (!existing || at < existing.at || (at === existing.at && event.messageId < existing.message_id)) {
        links.set(pair, { a_id: a, b_id: b, message_id: event.messageId, ts: event.ts.toISOString(), at });
      }
    }
  }
  const linkRows = [...links.values()].map(({ at: _at, ...link }) => link);
  const changed = await repo.upsertLinks(db, workspaceId, linkRows);
  if (changed.length === 0) {
    for (const row of known.values()) {
      result.liveProfiles.add(row.profile_id);
      result.profileOf.set(row.id, row.profile_id);
    }
    collectFresh(result, known.values(), inserted, new Set());
    return result;
  }

  const rejudged = await rejudgeComponents(db, workspaceId, changed, settings, now, inserted, newComponents(linkRows, known.values(), inserted));
  for (const p of rejudged.affectedProfiles) result.affectedProfiles.add(p);
  for (const p of rejudged.liveProfiles) result.liveProfiles.add(p);
  for (const [from, into] of rejudged.absorbed) result.absorbed.set(from, into);
  const newProfileOf = rejudged.newProfileOf;
  for (const row of known.values()) {
    const profileId = newProfileOf.get(row.id) ?? row.profile_id;
    result.liveProfiles.add(profileId);
    result.profileOf.set(row.id, profileId);
  }
  collectFresh(result, known.values(), inserted, rejudged.affectedProfiles);
  return result;
}

/** The profiles born in this batch that no identifier left or joined. */
function collectFresh(result: ResolvedBatch, rows: Iterable<repo.IdentifierRow>, inserted: ReadonlySet<string>, moved: ReadonlySet<string>) {
  for (const row of rows) {
    if (!inserted.has(row.id) || moved.has(row.profile_id)) continue;
    const members = result.freshProfiles.get(row.profile_id);
    if (members) members.push({ type: row.type, value: row.value });
    else result.freshProfiles.set(row.profile_id, [{ type: row.type, value: row.value }]);
  }
}

/**
 * The components of this batch's links made only of identifiers this batch created:
 * the store holds no other link of theirs, so they are judged without reading it.
 */
function newComponents(links: readonly { a_id: string; b_id: string; message_id: string; ts: string }[], rows: Iterable<repo.IdentifierRow>, inserted: ReadonlySet<string>): repo.Component & { ids: Set<string> } {
  const parent = new Map<string, string>();
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root)!;
    for (let node = id; node !== root; ) {
      const next = parent.get(node)!;
      parent.set(node, root);
      node = next;
    }
    return root;
  };
  for (const l of links) {
    for (const id of [l.a_id, l.b_id]) if (!parent.has(id)) parent.set(id, id);
    const [ra, rb] = [find(l.a_id), find(l.b_id)];
    if (ra !== rb) parent.set(rb, ra);
  }
  const old = new Set<string>();
  for (const id of parent.keys()) if (!inserted.has(id)) old.add(find(id));
  const ids = new Set([...parent.keys()].filter((id) => !old.has(find(id))));
  return {
    ids,
    members: [...rows].filter((r) => ids.has(r.id)),
    links: links.filter((l) => ids.has(l.a_id)).map((l) => ({ ...l, verdict: "accepted" })),
    separations: [],
  };
}

/**
 * Judges again the components around the given links (new, earlier, or the two
 * sides of a split) and moves identifiers to the profiles the rules now give them.
 */
export async function rejudgeComponents(
  db: Db,
  workspaceId: string,
  seeds: readonly { a_id: string; b_id: string }[],
  settings: IdentitySettings,
  now: Date,
  inserted: ReadonlySet<string> = new Set(),
  inMemory: repo.Component & { ids: ReadonlySet<string> } = { ids: new Set(), members: [], links: [], separations: [] },
): Promise<Omit<ResolvedBatch, "anchors" | "profileOf" | "freshProfiles"> & { newProfileOf: Map<string, string> }> {
  const result = { affectedProfiles: new Set<string>(), liveProfiles: new Set<string>(), absorbed: new Map<string, string>() };
  // Components the caller already holds (this batch's new identifiers alone) are not read again.
  const toRead = [...new Set(seeds.flatMap((l) => [l.a_id, l.b_id]))].filter((id) => !inMemory.ids.has(id));
  const read = toRead.length > 0 ? await repo.readComponent(db, workspaceId, toRead) : { members: [], links: [], separations: [] };
  const component = { members: [...read.members, ...inMemory.members], links: [...read.links, ...inMemory.links], separations: read.separations };
  const { links: linkRows, separations: separationRows } = component;
  // In identifier order: where two people's groups tie for the same profile, the group with the
  // smaller identifier keeps it, whatever order the store returns rows in.
  const members = component.members.map((m) => ({ m, key: identifierKey(m) })).sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0)).map((x) => x.m);
  const byId = new Map(members.map((m) => [m.id, m]));
  const byKey = new Map(members.map((m) => [identifierKey(m), m]));
  const edges: IdentityEdge[] = linkRows.map((l) => ({
    a: byId.get(l.a_id)!,
    b: byId.get(l.b_id)!,
    ts: new Date(l.ts).getTime(),
    messageId: l.message_id,
  }));
  const separations: Separation[] = separationRows.map((s) => ({
    id: s.id,
    left: s.left_ids.flatMap((id) => (byId.has(id) ? [identifierKey(byId.get(id)!)] : [])),
    right: s.right_ids.flatMap((id) => (byId.has(id) ? [identifierKey(byId.get(id)!)] : [])),
  }));
  const resolved = resolveComponent(members, edges, { maxPerProfile: settings.maxPerProfile, separations });

  // 4. Each person keeps the oldest profile its identifiers were born in, so a split gives each side its own back.
  const groups = resolved.groups
    .map((keys) => keys.map((k) => byKey.get(k)!))
    .map((rowsOfGroup) => ({ rows: rowsOfGroup, origins: [...new Set(rowsOfGroup.map((r) => r.origin_profile_id))].sort() }))
    .sort((x, y) => (x.origins[0]! < y.origins[0]! ? -1 : x.origins[0]! > y.origins[0]! ? 1 : 0));
  const taken = new Set<string>();
  const profileChanges: { id: string; profile_id: string }[] = [];
  const merges: Parameters<typeof repo.insertMerges>[2] = [];
  const changedPairs = new Set(seeds.map((l) => `${l.a_id}|${l.b_id}`));
  const changedEdges = linkRows
    .filter((l) => changedPairs.has(`${l.a_id}|${l.b_id}`))
    .map((l) => ({ a: byId.get(l.a_id)!, b: byId.get(l.b_id)!, ts: new Date(l.ts).getTime(), messageId: l.message_id, aId: l.a_id }))
    .sort(compareEdges);
  // Where the identifiers of each profile that existed before went: a profile left empty is absorbed.
  const movedTo = new Map<string, Map<string, number>>();
  for (const group of groups) {
    const profileId = group.origins.find((o) => !taken.has(o)) ?? newId();
    taken.add(profileId);
    result.liveProfiles.add(profileId);
    const before = new Map<string, string[]>();
    for (const row of group.rows) {
      if (!inserted.has(row.id)) {
        before.set(row.profile_id, [...(before.get(row.profile_id) ?? []), row.id]);
        const counts = movedTo.get(row.profile_id) ?? new Map<string, number>();
        counts.set(profileId, (counts.get(profileId) ?? 0) + 1);
        movedTo.set(row.profile_id, counts);
      }
      if (row.profile_id !== profileId) {
        profileChanges.push({ id: row.id, profile_id: profileId });
        result.affectedProfiles.add(row.profile_id);
        result.affectedProfiles.add(profileId);
      }
    }
    // Two profiles that existed before this batch became one: keep the merge so it can be split.
    if (before.size > 1) {
      const survivorSide = before.has(profileId) ? profileId : [...before.keys()].sort()[0]!;
      const joining = changedEdges.find((e) => resolved.verdicts.get(edgeKey(e)) === "accepted" && group.rows.some((r) => r.id === e.aId));
      for (const [previous, ids] of before) {
        if (previous === survivorSide) continue;
        merges.push({
          id: newId(),
          survivor: profileId,
          merged: previous,
          survivor_ids: before.get(survivorSide)!,
          merged_ids: ids,
          message_id: joining?.messageId ?? null,
          at: now.toISOString(),
        });
      }
    }
  }
  for (const [previous, counts] of movedTo) {
    if (taken.has(previous)) continue;
    const [into] = [...counts].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))[0]!;
    result.absorbed.set(previous, into);
  }
  for (const previous of [...result.absorbed.keys()]) if (result.liveProfiles.has(previous)) result.absorbed.delete(previous);
  await repo.setProfiles(db, workspaceId, profileChanges);
  await repo.insertMerges(db, workspaceId, merges);
  await repo.setVerdicts(
    db,
    workspaceId,
    linkRows.flatMap((l) => {
      const edge = { a: byId.get(l.a_id)!, b: byId.get(l.b_id)!, messageId: l.message_id };
      const verdict = resolved.verdicts.get(edgeKey(edge)) ?? "accepted";
      return verdict === l.verdict ? [] : [{ a_id: l.a_id, b_id: l.b_id, verdict, reason: resolved.reasons.get(edgeKey(edge)) ?? null }];
    }),
  );
  const newProfileOf = new Map(profileChanges.map((c) => [c.id, c.profile_id]));
  for (const group of groups) for (const row of group.rows) result.liveProfiles.add(newProfileOf.get(row.id) ?? row.profile_id);
  return { ...result, newProfileOf };
}
