import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import {
  LotteryCampaignBody,
  type DrawBody,
  type DrawResultDto,
  type LotteryCampaignDto,
  type LotteryCampaignInput,
  type LotteryDrawListQuery,
  type LotteryStatsDto,
  type MemberLotteryDto,
} from "@siyu/contracts";
import { appendAuditEntry } from "../../audit";
import type { Clock } from "../../shared/clock";
import type { WorkspaceContext } from "../../shared/context";
import { newId } from "../../shared/ids";
import { localDay } from "../../shared/local-time";
import { keyedOnce } from "../keyed-once";
import { loyaltyErrors } from "../loyalty.errors";
import { loadSettings } from "../loyalty.settings";
import { workspaceTimeZone } from "../loyalty-workspace";
import { lockAccount, rows } from "../points/points.ledger";
import { readAccount, toBalanceDto } from "../points/points.service";
import { memberContext } from "../catalogue/catalogue.service";
import { campaignUnavailability, drawCounts, drawOnce, lockCampaign, prizesOf, toCampaignDto, toDrawDto, type CampaignRow, type DrawRow } from "./lottery.ledger";

export interface LotteryDeps {
  db: Db;
  clock: Clock;
  resolveProfileId(ctx: WorkspaceContext, profileId: string): Promise<string>;
}

export function createLotteryService(deps: LotteryDeps) {
  const { db, clock } = deps;

  /** Prizes point at this workspace's coupon templates and goods items. */
  async function checkPrizeTargets(tx: Db, workspaceId: string, body: LotteryCampaignBody) {
    for (const [i, p] of body.prizes.entries()) {
      if (p.kind === "coupon") {
        const [t] = await rows<{ id: string }>(tx, sql`select id from coupon_templates where workspace_id = ${workspaceId}::uuid and id = ${p.templateId}::uuid and status <> 'archived'`);
        if (!t) throw loyaltyErrors.error("loyalty.template_not_found", "No such coupon template", { path: `prizes.${i}.templateId` });
      }
      if (p.kind === "goods") {
        const [item] = await rows<{ id: string }>(tx, sql`select id from catalogue_items where workspace_id = ${workspaceId}::uuid and id = ${p.itemId}::uuid and kind = 'goods' and status <> 'archived'`);
        if (!item) throw loyaltyErrors.error("loyalty.item_not_found", "No such goods item in the catalogue", { path: `prizes.${i}.itemId` });
      }
    }
  }

  /** Writes the prizes: those sent with their id are updated, new ones inserted, those left out removed (kept for past draws). */
  async function writePrizes(tx: Db, workspaceId: string, campaignId: string, body: LotteryCampaignBody) {
    const existing = new Set((await rows<{ id: string }>(tx, sql`select id from lottery_prizes where campaign_id = ${campaignId}::uuid`)).map((p) => p.id));
    const kept: string[] = [];
    for (const [position, p] of body.prizes.entries()) {
      if (p.id !== null && !existing.has(p.id)) throw loyaltyErrors.error("loyalty.campaign_not_found", "No such prize in this campaign", { path: `prizes.${position}.id` });
      const id = p.id ?? newId();
      kept.push(id);
      await tx.execute(sql`
        insert into lottery_prizes (id, workspace_id, campaign_id, position, name, kind, points, template_id, item_id, weight, stock, awarded_count, removed)
        values (${id}::uuid, ${workspaceId}::uuid, ${campaignId}::uuid, ${position}, ${p.name}, ${p.kind}, ${p.points}, ${p.templateId}::uuid, ${p.itemId}::uuid,
          ${p.weight}, ${p.stock}, 0, false)
        on conflict (id) do update set position = excluded.position, name = excluded.name, kind = excluded.kind, points = excluded.points,
          template_id = excluded.template_id, item_id = excluded.item_id, weight = excluded.weight, stock = excluded.stock, removed = false`);
    }
    await tx.execute(sql`update lottery_prizes set removed = true where campaign_id = ${campaignId}::uuid and not (id = any(${`{${kept.join(",")}}`}::uuid[]))`);
  }

  async function campaignDto(on: Db, c: CampaignRow): Promise<LotteryCampaignDto> {
    return toCampaignDto(c, await prizesOf(on, [c.id]));
  }

  async function findCampaign(workspaceId: string, campaignId: string): Promise<CampaignRow> {
    const [c] = await rows<CampaignRow>(db, sql`select * from lottery_campaigns where workspace_id = ${workspaceId}::uuid and id = ${campaignId}::uuid and status <> 'archived'`);
    if (!c) throw loyaltyErrors.error("loyalty.campaign_not_found", "No such lottery campaign");
    return c;
  }

  function campaignValues(b: LotteryCampaignBody) {
    return sql`${b.name}, ${b.description}, ${b.pointsCost}, ${b.perMemberDailyLimit}, ${b.perMemberLimit}, ${b.startsAt}::timestamptz, ${b.endsAt}::timestamptz, ${b.status}`;
  }

  const service = {
    async list(ctx: WorkspaceContext): Promise<LotteryCampaignDto[]> {
      const found = await rows<CampaignRow>(db, sql`select * from lottery_campaigns where workspace_id = ${ctx.workspaceId}::uuid and status <> 'archived' order by created_at desc`);
      const prizes = await prizesOf(db, found.map((c) => c.id));
      return found.map((c) => toCampaignDto(c, prizes.filter((p) => p.campaign_id === c.id)));
    },

    async get(ctx: WorkspaceContext, campaignId: string): Promise<LotteryCampaignDto> {
      return campaignDto(db, await findCampaign(ctx.workspaceId, campaignId));
    },

    async create(ctx: WorkspaceContext, input: LotteryCampaignInput): Promise<LotteryCampaignDto> {
      const body = LotteryCampaignBody.parse(input);
      const now = clock.now().toISOString();
      return db.transaction(async (tx) => {
        await checkPrizeTargets(tx, ctx.workspaceId, body);
        const [c] = await rows<CampaignRow>(
          tx,
          sql`insert into lottery_campaigns (id, workspace_id, name, description, points_cost, per_member_daily_limit, per_member_limit, starts_at, ends_at, status, created_at, updated_at)
              values (${newId()}::uuid, ${ctx.workspaceId}::uuid, ${campaignValues(body)}, ${now}::timestamptz, ${now}::timestamptz) returning *`,
        );
        await writePrizes(tx, ctx.workspaceId, c!.id, { ...body, prizes: body.prizes.map((p) => ({ ...p, id: null })) });
        await appendAuditEntry(tx, clock, ctx, { action: "loyalty.lottery_created", targetType: "lottery_campaign", targetId: c!.id, summary: `Lottery "${body.name}" created`, after: body as unknown as Record<string, unknown> });
        return campaignDto(tx, c!);
      });
    },

    /** Replaces the terms and prizes; a prize sent back with its id keeps its count (its stock is what is left). */
    async update(ctx: WorkspaceContext, campaignId: string, input: LotteryCampaignInput): Promise<LotteryCampaignDto> {
      const body = LotteryCampaignBody.parse(input);
      return db.transaction(async (tx) => {
        const before = await lockCampaign(tx, ctx.workspaceId, campaignId);
        const beforeDto = await campaignDto(tx, before);
        await checkPrizeTargets(tx, ctx.workspaceId, body);
        const [c] = await rows<CampaignRow>(
          tx,
          sql`update lottery_campaigns set (name, description, points_cost, per_member_daily_limit, per_member_limit, starts_at, ends_at, status) = (${campaignValues(body)}),
                updated_at = ${clock.now().toISOString()}::timestamptz where id = ${campaignId}::uuid returning *`,
        );
        await writePrizes(tx, ctx.workspaceId, campaignId, body);
        await appendAuditEntry(tx, clock, ctx, {
          action: "loyalty.lottery_updated",
          targetType: "lottery_campaign",
          targetId: campaignId,
          summary: `Lottery "${body.name}" changed`,
          before: beforeDto as unknown as Record<string, unknown>,
          after: body as unknown as Record<string, unknown>,
        });
        return campaignDto(tx, c!);
      });
    },

    /** Archives: no more draws; the draws and their prizes stay. */
    async remove(ctx: WorkspaceContext, campaignId: string): Promise<void> {
      await db.transaction(async (tx) => {
        const c = await lockCampaign(tx, ctx.workspaceId, campaignId);
        await tx.execute(sql`update lottery_campaigns set status = 'archived', updated_at = ${clock.now().toISOString()}::timestamptz where id = ${campaignId}::uuid`);
        await appendAuditEntry(tx, clock, ctx, { action: "loyalty.lottery_archived", targetType: "lottery_campaign", targetId: campaignId, summary: `Lottery "${c.name}" archived` });
      });
    },

    /** One draw for a member, once per key: a replay returns the first draw (`replayed: true`); the key for another campaign or member is a conflict. */
    async draw(ctx: WorkspaceContext, campaignId: string, profileId: string, body: DrawBody, random?: (n: number) => number): Promise<DrawResultDto> {
      const live = await deps.resolveProfileId(ctx, profileId);
      const now = clock.now();
      const replay = async (on: Db): Promise<DrawResultDto | null> => {
        const [d] = await rows<DrawRow>(on, sql`select * from lottery_draws where workspace_id = ${ctx.workspaceId}::uuid and idempotency_key = ${body.idempotencyKey}`);
        if (!d) return null;
        if (d.profile_id !== live || d.campaign_id !== campaignId) throw loyaltyErrors.error("loyalty.idempotency_conflict", `Idempotency key "${body.idempotencyKey}" was used for a different request`);
        return { draw: toDrawDto(d), balance: toBalanceDto(await readAccount(on, ctx.workspaceId, live)), replayed: true };
      };
      return keyedOnce(db, {
        lock: (tx) => lockAccount(tx, ctx.workspaceId, live, now),
        replay,
        work: async (tx, account) => {
          const draw = await drawOnce(tx, account, {
            workspaceId: ctx.workspaceId,
            campaignId,
            idempotencyKey: body.idempotencyKey,
            actor: ctx.actor.name,
            now,
            timeZone: await workspaceTimeZone(tx, ctx.workspaceId),
            settings: await loadSettings(tx, ctx.workspaceId),
            ...(random ? { random } : {}),
          });
          return { draw: toDrawDto(draw), balance: toBalanceDto(account), replayed: false };
        },
      });
    },

    async listDraws(ctx: WorkspaceContext, campaignId: string, query: LotteryDrawListQuery) {
      await findCampaign(ctx.workspaceId, campaignId);
      const profileId = query.profileId ? await deps.resolveProfileId(ctx, query.profileId) : null;
      const found = await rows<DrawRow>(
        db,
        sql`select * from lottery_draws where workspace_id = ${ctx.workspaceId}::uuid and campaign_id = ${campaignId}::uuid
              ${profileId ? sql`and profile_id = ${profileId}::uuid` : sql``}
              ${query.cursor ? sql`and (created_at, id) < (select created_at, id from lottery_draws where id = ${query.cursor}::uuid)` : sql``}
            order by created_at desc, id desc limit ${query.limit + 1}`,
      );
      const items = found.slice(0, query.limit).map(toDrawDto);
      return { items, nextCursor: found.length > query.limit ? items[items.length - 1]!.id : null };
    },

    /** Draws, members, points spent and prizes given by prize (the no-prize outcomes included). */
    async stats(ctx: WorkspaceContext, campaignId: string): Promise<LotteryStatsDto> {
      await findCampaign(ctx.workspaceId, campaignId);
      const [totals] = await rows<{ draws: number; members: number; points: string | number }>(
        db,
        sql`select count(*)::int as draws, count(distinct profile_id)::int as members, coalesce(sum(points_cost), 0) as points from lottery_draws where campaign_id = ${campaignId}::uuid`,
      );
      const byPrize = await rows<{ prize_id: string | null; name: string; kind: LotteryStatsDto["prizes"][number]["kind"]; awarded: number; stock: number | null }>(
        db,
        sql`select p.id as prize_id, p.name, p.kind, coalesce(d.n, 0)::int as awarded, p.stock from lottery_prizes p
              left join (select prize_id, count(*) as n from lottery_draws where campaign_id = ${campaignId}::uuid group by prize_id) d on d.prize_id = p.id
            where p.campaign_id = ${campaignId}::uuid and (not p.removed or d.n > 0)
            union all
            select null, 'No prize', 'none', count(*)::int, null from lottery_draws where campaign_id = ${campaignId}::uuid and prize_id is null having count(*) > 0`,
      );
      return {
        draws: Number(totals!.draws),
        members: Number(totals!.members),
        pointsSpent: Number(totals!.points),
        prizes: byPrize.map((p) => ({ prizeId: p.prize_id, name: p.name, kind: p.kind, awarded: Number(p.awarded), stock: p.stock })),
      };
    },

    /** Member-facing: the campaigns open now, with the draws the member has left. */
    async memberLotteries(workspaceId: string, profileId: string): Promise<MemberLotteryDto[]> {
      const live = await deps.resolveProfileId(memberContext(workspaceId, profileId), profileId);
      const now = clock.now();
      const day = localDay(now, await workspaceTimeZone(db, workspaceId));
      const open = (await rows<CampaignRow>(db, sql`select * from lottery_campaigns where workspace_id = ${workspaceId}::uuid and status = 'active' order by created_at desc`)).filter(
        (c) => campaignUnavailability(c, now) === null,
      );
      const prizes = await prizesOf(db, open.map((c) => c.id));
      const out: MemberLotteryDto[] = [];
      for (const c of open) {
        const counts = await drawCounts(db, c.id, live, day);
        const dto = toCampaignDto(c, prizes.filter((p) => p.campaign_id === c.id));
        out.push({
          ...dto,
          prizes: dto.prizes.map((p) => ({ id: p.id, name: p.name, kind: p.kind })),
          drawsLeftToday: c.per_member_daily_limit === null ? null : Math.max(0, c.per_member_daily_limit - counts.today),
          drawsLeft: c.per_member_limit === null ? null : Math.max(0, c.per_member_limit - counts.total),
        });
      }
      return out;
    },

    /** Member-facing draw: the same rules and keys as the operator's. */
    drawForMember: (workspaceId: string, campaignId: string, profileId: string, body: DrawBody) => service.draw(memberContext(workspaceId, profileId), campaignId, profileId, body),
  };
  return service;
}
export type LotteryService = ReturnType<typeof createLotteryService>;
