import { randomInt } from "node:crypto";
import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { LotteryCampaignDto, LotteryDrawDto, LotteryPrizeDto } from "@siyu/contracts";
import { newId } from "../../shared/ids";
import { localDay } from "../../shared/local-time";
import { DomainError } from "../../shared/domain-error";
import { loyaltyErrors } from "../loyalty.errors";
import { debit, earn, expiryOf, rows, type Account } from "../points/points.ledger";
import { issueCoupon } from "../coupons/coupons.ledger";
import { insertOrder, lockItem, takeStock } from "../catalogue/catalogue.ledger";
import type { LoyaltySettings } from "@siyu/contracts";

export interface CampaignRow {
  id: string;
  workspace_id: string;
  name: string;
  description: string | null;
  points_cost: number;
  per_member_daily_limit: number | null;
  per_member_limit: number | null;
  starts_at: string | Date | null;
  ends_at: string | Date | null;
  status: LotteryCampaignDto["status"];
  created_at: string | Date;
  updated_at: string | Date;
}

export interface PrizeRow {
  id: string;
  campaign_id: string;
  position: number;
  name: string;
  kind: LotteryPrizeDto["kind"];
  points: number | null;
  template_id: string | null;
  item_id: string | null;
  weight: number;
  stock: number | null;
  awarded_count: number;
  removed: boolean;
}

export interface DrawRow {
  id: string;
  campaign_id: string;
  profile_id: string;
  prize_id: string | null;
  prize_kind: LotteryPrizeDto["kind"];
  prize_name: string;
  points_cost: number;
  points_awarded: number | null;
  coupon_id: string | null;
  redemption_id: string | null;
  idempotency_key: string;
  created_at: string | Date;
}

const iso = (v: string | Date | null) => (v === null ? null : new Date(v).toISOString());

export function toPrizeDto(p: PrizeRow): LotteryPrizeDto {
  return { id: p.id, name: p.name, kind: p.kind, points: p.points, templateId: p.template_id, itemId: p.item_id, weight: p.weight, stock: p.stock, awardedCount: Number(p.awarded_count) };
}

export function toCampaignDto(c: CampaignRow, prizes: PrizeRow[]): LotteryCampaignDto {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    pointsCost: Number(c.points_cost),
    perMemberDailyLimit: c.per_member_daily_limit,
    perMemberLimit: c.per_member_limit,
    startsAt: iso(c.starts_at),
    endsAt: iso(c.ends_at),
    status: c.status,
    prizes: prizes.filter((p) => !p.removed).map(toPrizeDto),
    createdAt: iso(c.created_at)!,
    updatedAt: iso(c.updated_at)!,
  };
}

export function toDrawDto(d: DrawRow): LotteryDrawDto {
  return {
    id: d.id,
    campaignId: d.campaign_id,
    profileId: d.profile_id,
    prizeId: d.prize_id,
    prizeKind: d.prize_kind,
    prizeName: d.prize_name,
    pointsCost: Number(d.points_cost),
    pointsAwarded: d.points_awarded,
    couponId: d.coupon_id,
    redemptionId: d.redemption_id,
    createdAt: iso(d.created_at)!,
  };
}

/** Picks one entry with probability weight / total weight; `random(n)` returns an integer in [0, n). */
export function pickByWeight<T extends { weight: number }>(entries: T[], random: (n: number) => number = randomInt): T | null {
  const total = entries.reduce((s, e) => s + e.weight, 0);
  if (total <= 0) return null;
  let r = random(total);
  for (const e of entries) {
    if (r < e.weight) return e;
    r -= e.weight;
  }
  return null;
}

export async function lockCampaign(tx: Db, workspaceId: string, campaignId: string): Promise<CampaignRow> {
  const [c] = await rows<CampaignRow>(tx, sql`select * from lottery_campaigns where workspace_id = ${workspaceId}::uuid and id = ${campaignId}::uuid for update`);
  if (!c || c.status === "archived") throw loyaltyErrors.error("loyalty.campaign_not_found", "No such lottery campaign");
  return c;
}

export async function prizesOf(db: Db, campaignIds: string[]): Promise<PrizeRow[]> {
  if (campaignIds.length === 0) return [];
  return rows<PrizeRow>(db, sql`select * from lottery_prizes where campaign_id = any(${`{${campaignIds.join(",")}}`}::uuid[]) order by position`);
}

/** Why a campaign takes no draws now (paused, not started, ended), or null. */
export function campaignUnavailability(c: CampaignRow, now: Date): string | null {
  if (c.status !== "active") return "the campaign is paused";
  if (c.starts_at !== null && new Date(c.starts_at) > now) return "the campaign has not started";
  if (c.ends_at !== null && new Date(c.ends_at) <= now) return "the campaign has ended";
  return null;
}

export async function drawCounts(db: Db, campaignId: string, profileId: string, day: string): Promise<{ total: number; today: number }> {
  const [c] = await rows<{ total: number; today: number }>(
    db,
    sql`select count(*)::int as total, count(*) filter (where draw_day = ${day})::int as today from lottery_draws where campaign_id = ${campaignId}::uuid and profile_id = ${profileId}::uuid`,
  );
  return { total: Number(c?.total ?? 0), today: Number(c?.today ?? 0) };
}

/** Prizes that can still be given: own stock left, and the coupon template's or the goods item's stock too. */
async function prizesInStock(tx: Db, campaignId: string): Promise<PrizeRow[]> {
  return rows<PrizeRow>(
    tx,
    sql`select p.* from lottery_prizes p
          left join catalogue_items i on i.id = p.item_id
          left join coupon_templates t on t.id = p.template_id
        where p.campaign_id = ${campaignId}::uuid and not p.removed and p.kind <> 'none' and p.weight > 0 and (p.stock is null or p.stock > 0)
          and (p.kind <> 'goods' or (i.status <> 'archived' and (i.stock is null or i.stock > 0)))
          and (p.kind <> 'coupon' or (t.status = 'active' and (t.total_stock is null or t.issued_count < t.total_stock)))
        order by p.position`,
  );
}

export interface DrawInput {
  workspaceId: string;
  campaignId: string;
  idempotencyKey: string;
  actor: string;
  now: Date;
  timeZone: string;
  settings: LoyaltySettings;
  random?: (n: number) => number;
}

/**
 * One draw inside the caller's transaction, which holds the member's account lock: the campaign is locked
 * (draws of a campaign are judged one at a time, so prize stock is exact), limits checked, the cost taken,
 * a prize picked with crypto randomness among those in stock (else the no-prize entry), awarded, its stock
 * decremented, and the draw recorded. A prize that cannot be awarded after all (e.g. the member's coupon
 * limit) falls back to no prize, its stock untouched.
 */
export async function drawOnce(tx: Db, account: Account, input: DrawInput): Promise<DrawRow> {
  const { workspaceId, now } = input;
  const campaign = await lockCampaign(tx, workspaceId, input.campaignId);
  const why = campaignUnavailability(campaign, now);
  if (why) throw loyaltyErrors.error("loyalty.campaign_unavailable", `No draws: ${why}`, { reason: why });
  const day = localDay(now, input.timeZone);
  const counts = await drawCounts(tx, campaign.id, account.profileId, day);
  if (campaign.per_member_limit !== null && counts.total >= campaign.per_member_limit) {
    throw loyaltyErrors.error("loyalty.limit_reached", `At most ${campaign.per_member_limit} draws per member`, { limit: "perMemberLimit" });
  }
  if (campaign.per_member_daily_limit !== null && counts.today >= campaign.per_member_daily_limit) {
    throw loyaltyErrors.error("loyalty.limit_reached", `At most ${campaign.per_member_daily_limit} draws per member per day`, { limit: "perMemberDailyLimit" });
  }
  const [none] = await rows<PrizeRow>(tx, sql`select * from lottery_prizes where campaign_id = ${campaign.id}::uuid and kind = 'none' and not removed`);
  const pool = [...(await prizesInStock(tx, campaign.id)), ...(none && none.weight > 0 ? [none] : [])];
  const picked = pickByWeight(pool, input.random) ?? none;
  if (!picked) throw loyaltyErrors.error("loyalty.out_of_stock", "Every prize of this lottery has been given");
  const drawId = newId();
  const cost = Number(campaign.points_cost);
  const costEntry =
    cost > 0
      ? await debit(
          tx,
          workspaceId,
          account,
          { profileId: account.profileId, points: cost, kind: "redeem", source: "lottery", reason: `Lottery ${campaign.name}`, idempotencyKey: `lottery:${drawId}`, actor: input.actor, mayGoNegative: false, metadata: { drawId } },
          now,
        )
      : null;
  const award = await awardPrize(tx, account, picked, { ...input, drawId });
  const prize = award ? picked : none ?? null;
  if (prize) await tx.execute(sql`update lottery_prizes set awarded_count = awarded_count + 1, stock = stock - 1 where id = ${prize.id}::uuid`);
  const [row] = await rows<DrawRow>(
    tx,
    sql`insert into lottery_draws (id, workspace_id, campaign_id, profile_id, prize_id, prize_kind, prize_name, points_cost, points_awarded, cost_entry_id,
          award_entry_id, coupon_id, redemption_id, idempotency_key, draw_day, created_at)
        values (${drawId}::uuid, ${workspaceId}::uuid, ${campaign.id}::uuid, ${account.profileId}::uuid, ${prize?.id ?? null}::uuid, ${prize?.kind ?? "none"},
          ${prize?.name ?? "No prize"}, ${cost}, ${award?.points ?? null}, ${costEntry?.id ?? null}::uuid, ${award?.entryId ?? null}::uuid, ${award?.couponId ?? null}::uuid,
          ${award?.redemptionId ?? null}::uuid, ${input.idempotencyKey}, ${day}, ${now.toISOString()}::timestamptz)
        returning *`,
  );
  return row!;
}

interface Award {
  points: number | null;
  entryId: string | null;
  couponId: string | null;
  redemptionId: string | null;
}

/** Gives the prize; null when it cannot be given after all (the savepoint undoes any part of it). */
async function awardPrize(tx: Db, account: Account, prize: PrizeRow, input: DrawInput & { drawId: string }): Promise<Award | null> {
  const { workspaceId, now } = input;
  if (prize.kind === "none") return { points: null, entryId: null, couponId: null, redemptionId: null };
  if (prize.kind === "points") {
    const entry = await earn(
      tx,
      workspaceId,
      account,
      {
        profileId: account.profileId,
        points: prize.points!,
        kind: "earn",
        source: "lottery",
        reason: `Lottery prize ${prize.name}`,
        idempotencyKey: `lottery-prize:${input.drawId}`,
        actor: input.actor,
        earnedAt: now,
        expiresAt: expiryOf(input.settings, now, input.timeZone),
        pendingUntil: null,
        metadata: { drawId: input.drawId },
      },
      now,
    );
    return { points: prize.points, entryId: entry.id, couponId: null, redemptionId: null };
  }
  try {
    return await tx.transaction(async (sp) => {
      if (prize.kind === "coupon") {
        const { coupon } = await issueCoupon(sp, { workspaceId, templateId: prize.template_id!, profileId: account.profileId, issueKey: `lottery:${input.drawId}`, now, timeZone: input.timeZone });
        return { points: null, entryId: null, couponId: coupon.id, redemptionId: null };
      }
      const item = await lockItem(sp, workspaceId, prize.item_id!);
      await takeStock(sp, item);
      const order = await insertOrder(sp, {
        id: newId(),
        workspace_id: workspaceId,
        profile_id: account.profileId,
        item_id: item.id,
        item_kind: "goods",
        item_name: item.name,
        source: "lottery",
        status: "pending",
        points_cost: 0,
        cash_minor: null,
        pay_with: null,
        payment_due_at: null,
        store_id: null,
        coupon_id: null,
        points_entry_id: null,
        stored_value_transaction_id: null,
        fulfilment: null,
        idempotency_key: null,
        request: null,
        actor: input.actor,
        redeemDay: localDay(now, input.timeZone),
        now,
      });
      return { points: null, entryId: null, couponId: null, redemptionId: order.id };
    });
  } catch (error) {
    if (error instanceof DomainError) return null;
    throw error;
  }
}
