import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { CreateBadgeBody, type BadgeDto, type BadgeEvaluationDto, type CreateBadgeInput, type MemberBadgeDto, type SegmentRule } from "@siyu/contracts";
import { appendAuditEntry } from "../../audit";
import { appendProfileEvents } from "../../profile-events";
import type { Clock } from "../../shared/clock";
import { systemContext, type WorkspaceContext } from "../../shared/context";
import { isUuid, newId } from "../../shared/ids";
import { localDay } from "../../shared/local-time";
import { loyaltyErrors } from "../loyalty.errors";
import { withUniqueCode } from "../unique-code";
import { awardPoints } from "../points/points.award";
import { rows } from "../points/points.ledger";

export interface BadgesDeps {
  db: Db;
  clock: Clock;
  resolveProfileId(ctx: WorkspaceContext, profileId: string): Promise<string>;
  /** The segments module's validator: throws segments.invalid_rule naming each problem's path. */
  validateRule(ctx: WorkspaceContext, rule: unknown): Promise<SegmentRule>;
  /** The segments module's evaluator over the warehouse: the live profiles matching the rule. */
  evaluateRule(workspaceId: string, rule: SegmentRule, options?: { now?: Date }): Promise<string[]>;
  /** Brings the warehouse's copy of the workspace's profiles up to date before an evaluation. */
  refreshSnapshot?(workspaceId: string): Promise<unknown>;
}

interface BadgeRow {
  id: string;
  workspace_id: string;
  code: string;
  name_zh: string;
  name_en: string;
  description: string;
  kind: BadgeDto["kind"];
  rule: SegmentRule;
  revoke_when_no_longer_matching: boolean;
  reward_points: number | null;
  status: BadgeDto["status"];
  last_evaluated_at: string | Date | null;
  created_at: string | Date;
  updated_at: string | Date;
  holders?: number | string;
}

const iso = (v: string | Date) => new Date(v).toISOString();

function toBadgeDto(b: BadgeRow): BadgeDto {
  return {
    id: b.id,
    code: b.code,
    nameZh: b.name_zh,
    nameEn: b.name_en,
    description: b.description,
    kind: b.kind,
    rule: b.rule,
    revokeWhenNoLongerMatching: b.revoke_when_no_longer_matching,
    rewardPoints: b.reward_points,
    status: b.status,
    holders: Number(b.holders ?? 0),
    lastEvaluatedAt: b.last_evaluated_at === null ? null : iso(b.last_evaluated_at),
    createdAt: iso(b.created_at),
    updatedAt: iso(b.updated_at),
  };
}

const WITH_HOLDERS = sql`b.*, (select count(*) from loyalty_badge_holdings h where h.workspace_id = b.workspace_id and h.badge_id = b.id and h.revoked_at is null)::int as holders`;

function values(b: CreateBadgeBody) {
  return sql`${b.code}, ${b.nameZh}, ${b.nameEn}, ${b.description}, ${b.kind}, ${JSON.stringify(b.rule)}::jsonb, ${b.revokeWhenNoLongerMatching}, ${b.rewardPoints}, ${b.status}`;
}

const idsArray = (ids: readonly string[]) => `{${ids.join(",")}}`;

/**
 * Grants a badge to the profiles matching its rule now, and (for a revocable badge) takes it from the
 * holders who no longer match, in one transaction with the badge row locked: holdings changed set-based,
 * badge.granted / badge.revoked profile events, and the points reward once per member ever
 * (key badge:<badgeId>:<profileId>), so a badge lost and won again does not pay twice.
 */
async function applyMatches(tx: Db, badge: BadgeRow, matched: readonly string[], now: Date): Promise<BadgeEvaluationDto> {
  const ws = badge.workspace_id;
  const granted = await rows<{ profile_id: string }>(
    tx,
    sql`insert into loyalty_badge_holdings (workspace_id, badge_id, profile_id, granted_at)
        select ${ws}::uuid, ${badge.id}::uuid, m.id, ${now.toISOString()}::timestamptz
        from unnest(${idsArray(matched)}::uuid[]) as m(id) join profiles p on p.id = m.id and p.workspace_id = ${ws}::uuid and p.merged_into is null
        on conflict (workspace_id, badge_id, profile_id) do update set granted_at = excluded.granted_at, revoked_at = null
          where loyalty_badge_holdings.revoked_at is not null
        returning profile_id`,
  );
  const revoked = badge.revoke_when_no_longer_matching
    ? await rows<{ profile_id: string }>(
        tx,
        sql`update loyalty_badge_holdings set revoked_at = ${now.toISOString()}::timestamptz
            where workspace_id = ${ws}::uuid and badge_id = ${badge.id}::uuid and revoked_at is null and not (profile_id = any(${idsArray(matched)}::uuid[]))
            returning profile_id`,
      )
    : [];
  const payload = { badgeId: badge.id, badgeCode: badge.code, badgeName: badge.name_zh, kind: badge.kind };
  await appendProfileEvents(tx, now, [
    ...granted.map((g) => ({ workspaceId: ws, profileId: g.profile_id, kind: "badge.granted" as const, payload })),
    ...revoked.map((r) => ({ workspaceId: ws, profileId: r.profile_id, kind: "badge.revoked" as const, payload })),
  ]);
  if (badge.reward_points !== null) {
    for (const id of granted.map((g) => g.profile_id).sort()) {
      await awardPoints(tx, { workspaceId: ws, profileId: id, points: badge.reward_points, source: "badge", reason: `Badge ${badge.name_zh}`, idempotencyKey: `badge:${badge.id}:${id}`, metadata: { badgeId: badge.id } }, now);
    }
  }
  await tx.execute(sql`update loyalty_badges set last_evaluated_at = ${now.toISOString()}::timestamptz where id = ${badge.id}::uuid`);
  const [count] = await rows<{ n: number }>(tx, sql`select count(*)::int as n from loyalty_badge_holdings where workspace_id = ${ws}::uuid and badge_id = ${badge.id}::uuid and revoked_at is null`);
  return { holders: count!.n, granted: granted.length, revoked: revoked.length };
}

export function createBadgesService(deps: BadgesDeps) {
  const { db, clock } = deps;

  async function find(on: Db, workspaceId: string, badgeId: string, lock = false): Promise<BadgeRow> {
    const [b] = isUuid(badgeId)
      ? await rows<BadgeRow>(on, sql`select * from loyalty_badges where workspace_id = ${workspaceId}::uuid and id = ${badgeId}::uuid ${lock ? sql`for update` : sql``}`)
      : [];
    if (!b || b.status === "archived") throw loyaltyErrors.error("loyalty.badge_not_found", "No such badge");
    return b;
  }

  async function withHolders(badgeId: string): Promise<BadgeDto> {
    const [b] = await rows<BadgeRow>(db, sql`select ${WITH_HOLDERS} from loyalty_badges b where b.id = ${badgeId}::uuid`);
    return toBadgeDto(b!);
  }

  async function checked(ctx: WorkspaceContext, input: CreateBadgeInput): Promise<CreateBadgeBody> {
    const body = CreateBadgeBody.parse(input);
    await deps.validateRule(ctx, body.rule);
    return body;
  }

  async function badgesOf(workspaceId: string, profileId: string): Promise<MemberBadgeDto[]> {
    const found = await rows<{ badge_id: string; code: string; name_zh: string; name_en: string; kind: MemberBadgeDto["kind"]; granted_at: string }>(
      db,
      sql`select h.badge_id, b.code, b.name_zh, b.name_en, b.kind, h.granted_at from loyalty_badge_holdings h join loyalty_badges b on b.id = h.badge_id
          where h.workspace_id = ${workspaceId}::uuid and h.profile_id = ${profileId}::uuid and h.revoked_at is null and b.status <> 'archived'
          order by h.granted_at desc`,
    );
    return found.map((r) => ({ badgeId: r.badge_id, code: r.code, nameZh: r.name_zh, nameEn: r.name_en, kind: r.kind, grantedAt: iso(r.granted_at) }));
  }

  /** Evaluates the rule on the warehouse, then applies the result. */
  async function evaluateBadge(badge: BadgeRow, now: Date): Promise<BadgeEvaluationDto> {
    if (deps.refreshSnapshot) await deps.refreshSnapshot(badge.workspace_id);
    const matched = badge.status === "active" ? await deps.evaluateRule(badge.workspace_id, badge.rule, { now }) : [];
    return db.transaction(async (tx) => {
      const locked = await find(tx, badge.workspace_id, badge.id, true);
      if (locked.status !== "active") return { holders: 0, granted: 0, revoked: 0 };
      return applyMatches(tx, locked, matched, now);
    });
  }

  return {
    async list(ctx: WorkspaceContext): Promise<BadgeDto[]> {
      const found = await rows<BadgeRow>(db, sql`select ${WITH_HOLDERS} from loyalty_badges b where b.workspace_id = ${ctx.workspaceId}::uuid and b.status <> 'archived' order by b.created_at`);
      return found.map(toBadgeDto);
    },

    async get(ctx: WorkspaceContext, badgeId: string): Promise<BadgeDto> {
      await find(db, ctx.workspaceId, badgeId);
      return withHolders(badgeId);
    },

    async create(ctx: WorkspaceContext, input: CreateBadgeInput): Promise<BadgeDto> {
      const body = await checked(ctx, input);
      const now = clock.now().toISOString();
      const id = newId();
      await withUniqueCode("badge", body.code, () =>
          db.transaction(async (tx) => {
            await tx.execute(sql`insert into loyalty_badges (id, workspace_id, code, name_zh, name_en, description, kind, rule, revoke_when_no_longer_matching, reward_points, status, created_at, updated_at)
              values (${id}::uuid, ${ctx.workspaceId}::uuid, ${values(body)}, ${now}::timestamptz, ${now}::timestamptz)`);
            await appendAuditEntry(tx, clock, ctx, { action: "loyalty.badge_created", targetType: "loyalty_badge", targetId: id, summary: `Badge "${body.nameZh}" created`, after: body as unknown as Record<string, unknown> });
          }),
      );
      return withHolders(id);
    },

    /** Replaces the definition; holders stay until the next evaluation judges them by the new rule. */
    async update(ctx: WorkspaceContext, badgeId: string, input: CreateBadgeInput): Promise<BadgeDto> {
      const body = await checked(ctx, input);
      await withUniqueCode("badge", body.code, () =>
          db.transaction(async (tx) => {
            const before = await find(tx, ctx.workspaceId, badgeId, true);
            await tx.execute(sql`update loyalty_badges set (code, name_zh, name_en, description, kind, rule, revoke_when_no_longer_matching, reward_points, status) = (${values(body)}),
              updated_at = ${clock.now().toISOString()}::timestamptz where id = ${badgeId}::uuid`);
            await appendAuditEntry(tx, clock, ctx, {
              action: "loyalty.badge_updated",
              targetType: "loyalty_badge",
              targetId: badgeId,
              summary: `Badge "${body.nameZh}" changed`,
              before: toBadgeDto(before) as unknown as Record<string, unknown>,
              after: body as unknown as Record<string, unknown>,
            });
          }),
      );
      return withHolders(badgeId);
    },

    /** Archives: no longer granted nor shown; the holdings stay in the table. */
    async archive(ctx: WorkspaceContext, badgeId: string): Promise<void> {
      await db.transaction(async (tx) => {
        const b = await find(tx, ctx.workspaceId, badgeId, true);
        await tx.execute(sql`update loyalty_badges set status = 'archived', code = code || '#' || id, updated_at = ${clock.now().toISOString()}::timestamptz where id = ${badgeId}::uuid`);
        await appendAuditEntry(tx, clock, ctx, { action: "loyalty.badge_archived", targetType: "loyalty_badge", targetId: badgeId, summary: `Badge "${b.name_zh}" archived` });
      });
    },

    /** POST /badges/:id/evaluation: grants (and revokes) now; audited. */
    async evaluate(ctx: WorkspaceContext, badgeId: string): Promise<BadgeEvaluationDto> {
      const badge = await find(db, ctx.workspaceId, badgeId);
      const result = await evaluateBadge(badge, clock.now());
      await appendAuditEntry(db, clock, ctx, {
        action: "loyalty.badge_evaluated",
        targetType: "loyalty_badge",
        targetId: badgeId,
        summary: `Badge "${badge.name_zh}": ${result.granted} granted, ${result.revoked} revoked, ${result.holders} holders`,
      });
      return result;
    },

    /** The daily job: every active badge not yet evaluated on the workspace's current local day. */
    async runDaily(now: Date = clock.now()): Promise<number> {
      const due = await rows<BadgeRow & { timezone: string }>(
        db,
        sql`select b.*, w.timezone from loyalty_badges b join workspaces w on w.id = b.workspace_id where b.status = 'active' order by b.workspace_id, b.id`,
      );
      let evaluated = 0;
      for (const b of due) {
        if (b.last_evaluated_at !== null && localDay(new Date(b.last_evaluated_at), b.timezone) === localDay(now, b.timezone)) continue;
        const result = await evaluateBadge(b, now);
        await appendAuditEntry(db, clock, systemContext(b.workspace_id), {
          action: "loyalty.badge_evaluated",
          targetType: "loyalty_badge",
          targetId: b.id,
          summary: `Badge "${b.name_zh}" (daily): ${result.granted} granted, ${result.revoked} revoked, ${result.holders} holders`,
        });
        evaluated += 1;
      }
      return evaluated;
    },

    async ofCustomer(ctx: WorkspaceContext, profileId: string): Promise<MemberBadgeDto[]> {
      return badgesOf(ctx.workspaceId, await deps.resolveProfileId(ctx, profileId));
    },

    /** The member's badges and titles (member-facing API); `profileId` must be the live profile. */
    forMember: (workspaceId: string, profileId: string) => badgesOf(workspaceId, profileId),
  };
}
export type BadgesService = ReturnType<typeof createBadgesService>;
