import { and, desc, eq, isNull, sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { appendAuditEntry } from "../audit";
import type { Clock } from "../shared/clock";
import type { WorkspaceContext } from "../shared/context";
import { isUuid, newId } from "../shared/ids";
import { identityErrors } from "./identity.errors";
import { identityIdentifiers, identityLinks, identityMerges, identitySeparations } from "./identity.schema";
import { identitySettingsStore, type IdentitySettings } from "./identity.settings";
import { rejudgeComponents } from "./resolve-identities";
import { identifierKey, normaliseIdentifier } from "./identifiers";
import { findIdentifiers } from "./identity.repository";

interface Deps {
  db: Db;
  clock: Clock;
}

export interface SplitResult {
  affectedProfiles: string[];
  liveProfiles: string[];
  absorbed: [string, string][];
}

export function createIdentityService(deps: Deps) {
  return {
    settings: (workspaceId: string) => loadSettings(deps.db, workspaceId),
    updateSettings: (ctx: WorkspaceContext, input: Partial<IdentitySettings>) => updateSettings(deps, ctx, input),
    identifiersOf: (ctx: WorkspaceContext, profileId: string) => identifiersOf(deps.db, ctx, profileId),
    mergesOf: (ctx: WorkspaceContext, profileId: string) => mergesOf(deps.db, ctx, profileId),
    splitMerge: (ctx: WorkspaceContext, mergeId: string) => splitMerge(deps, ctx, mergeId),
    listConflicts: (ctx: WorkspaceContext, limit: number) => listConflicts(deps.db, ctx, limit),
    dismissConflict: (ctx: WorkspaceContext, aId: string, bId: string) => dismissConflict(deps, ctx, aId, bId),
    /** The customer each identifier belongs to now (null when unknown), or why the value is not an identifier; in input order. */
    profilesOfIdentifiers: (workspaceId: string, identifiers: readonly { type: string; value: string }[]) =>
      profilesOfIdentifiers(deps.db, workspaceId, identifiers),
  };
}
export type IdentityService = ReturnType<typeof createIdentityService>;

const loadSettings = (db: Db, workspaceId: string): Promise<IdentitySettings> => identitySettingsStore.load(db, workspaceId);

const updateSettings = (deps: Deps, ctx: WorkspaceContext, input: Partial<IdentitySettings>) => identitySettingsStore.update(deps.db, deps.clock, ctx, input);

async function profilesOfIdentifiers(
  db: Db,
  workspaceId: string,
  identifiers: readonly { type: string; value: string }[],
): Promise<({ profileId: string | null } | { error: string })[]> {
  if (identifiers.length === 0) return [];
  const settings = await loadSettings(db, workspaceId);
  const normalised = identifiers.map((i): { type: string; value: string } | { error: string } => {
    const result = normaliseIdentifier(i.type, i.value, settings);
    if ("value" in result) return { type: i.type, value: result.value };
    return { error: "error" in result ? result.error : "is a placeholder value, not an identifier" };
  });
  const keys = normalised.filter((n): n is { type: string; value: string } => "value" in n);
  const found = new Map<string, string>();
  for (let i = 0; i < keys.length; i += 5_000) {
    for (const row of await findIdentifiers(db, workspaceId, keys.slice(i, i + 5_000))) found.set(identifierKey(row), row.profile_id);
  }
  return normalised.map((n) => ("error" in n ? n : { profileId: found.get(identifierKey(n)) ?? null }));
}

async function identifiersOf(db: Db, ctx: WorkspaceContext, profileId: string) {
  if (!isUuid(profileId)) return [];
  return db
    .select({ id: identityIdentifiers.id, type: identityIdentifiers.type, value: identityIdentifiers.value, firstSeenAt: identityIdentifiers.firstSeenAt })
    .from(identityIdentifiers)
    .where(and(eq(identityIdentifiers.workspaceId, ctx.workspaceId), eq(identityIdentifiers.profileId, profileId)))
    .orderBy(identityIdentifiers.type, identityIdentifiers.value);
}

async function mergesOf(db: Db, ctx: WorkspaceContext, profileId: string) {
  if (!isUuid(profileId)) return [];
  return db
    .select()
    .from(identityMerges)
    .where(and(eq(identityMerges.workspaceId, ctx.workspaceId), eq(identityMerges.survivorProfileId, profileId)))
    .orderBy(desc(identityMerges.at));
}

/**
 * Undoes a wrong merge: the two sides may never be one person again, and every
 * identifier (with its events and stats) goes back to the profile it had before.
 */
async function splitMerge(deps: Deps, ctx: WorkspaceContext, mergeId: string): Promise<SplitResult> {
  return deps.db.transaction(async (tx) => {
    const [merge] = isUuid(mergeId)
      ? await tx.select().from(identityMerges).where(and(eq(identityMerges.workspaceId, ctx.workspaceId), eq(identityMerges.id, mergeId)))
      : [];
    if (!merge) throw identityErrors.error("identity.merge_not_found", "No such merge.");
    if (merge.splitAt) throw identityErrors.error("identity.already_split", "This merge was already split.");
    const now = deps.clock.now();
    await tx.insert(identitySeparations).values({
      id: newId(),
      workspaceId: ctx.workspaceId,
      leftIds: merge.survivorIdentifierIds,
      rightIds: merge.mergedIdentifierIds,
      mergeId: merge.id,
      createdAt: now,
      createdBy: ctx.actor.name,
    });
    await tx.update(identityMerges).set({ splitAt: now, splitBy: ctx.actor.name }).where(eq(identityMerges.id, merge.id));
    const settings = await loadSettings(tx, ctx.workspaceId);
    const seeds = merge.survivorIdentifierIds.slice(0, 1).flatMap((a) => merge.mergedIdentifierIds.slice(0, 1).map((b) => ({ a_id: a, b_id: b })));
    const result = await rejudgeComponents(tx, ctx.workspaceId, seeds, settings, now);
    await appendAuditEntry(tx, deps.clock, ctx, {
      action: "profile.merge_split",
      targetType: "profile",
      targetId: merge.survivorProfileId,
      summary: `Split profile ${merge.mergedProfileId} back out of ${merge.survivorProfileId}`,
      before: { profileIds: [merge.survivorProfileId] },
      after: { profileIds: [merge.survivorProfileId, merge.mergedProfileId] },
    });
    return {
      affectedProfiles: [...result.affectedProfiles],
      liveProfiles: [...result.liveProfiles],
      absorbed: [...result.absorbed],
    };
  });
}

async function listConflicts(db: Db, ctx: WorkspaceContext, limit: number) {
  const result = (await db.execute(sql`
    select l.a_id, l.b_id, l.message_id, l.ts, l.reason,
      a.type as a_type, a.value as a_value, a.profile_id as a_profile_id,
      b.type as b_type, b.value as b_value, b.profile_id as b_profile_id
    from identity_links l
      join identity_identifiers a on a.id = l.a_id
      join identity_identifiers b on b.id = l.b_id
    where l.workspace_id = ${ctx.workspaceId} and l.verdict = 'conflict' and l.review is null
    order by l.ts desc limit ${limit}`)) as unknown as { rows: ConflictRow[] };
  return result.rows.map((r) => ({
    aId: r.a_id,
    bId: r.b_id,
    messageId: r.message_id,
    at: new Date(r.ts).toISOString(),
    reason: r.reason ?? "",
    a: { type: r.a_type, value: r.a_value, profileId: r.a_profile_id },
    b: { type: r.b_type, value: r.b_value, profileId: r.b_profile_id },
  }));
}

interface ConflictRow {
  a_id: string;
  b_id: string;
  message_id: string;
  ts: string | Date;
  reason: string | null;
  a_type: string;
  a_value: string;
  a_profile_id: string;
  b_type: string;
  b_value: string;
  b_profile_id: string;
}

/** The operator confirms the two are different people: the conflict leaves the queue. */
async function dismissConflict(deps: Deps, ctx: WorkspaceContext, aId: string, bId: string) {
  await deps.db.transaction(async (tx) => {
    const [link] =
      isUuid(aId) && isUuid(bId)
        ? await tx
            .select()
            .from(identityLinks)
            .where(
              and(
                eq(identityLinks.workspaceId, ctx.workspaceId),
                eq(identityLinks.aId, aId),
                eq(identityLinks.bId, bId),
                eq(identityLinks.verdict, "conflict"),
                isNull(identityLinks.review),
              ),
            )
        : [];
    if (!link) throw identityErrors.error("identity.conflict_not_found", "No such open conflict.");
    await tx
      .update(identityLinks)
      .set({ review: "kept_apart", reviewedBy: ctx.actor.name })
      .where(and(eq(identityLinks.workspaceId, ctx.workspaceId), eq(identityLinks.aId, aId), eq(identityLinks.bId, bId)));
    await appendAuditEntry(tx, deps.clock, ctx, {
      action: "identity.conflict_dismissed",
      targetType: "identity_link",
      targetId: `${aId}:${bId}`,
      summary: `Kept apart: ${link.reason ?? "conflicting link"}`,
    });
  });
}
