import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import {
  CatalogueItemBody,
  RedeemItemBody,
  type CancelRedemptionBody,
  type CatalogueItemDto,
  type CatalogueItemInput,
  type ConfirmPaymentBody,
  type FulfilRedemptionBody,
  type MemberCatalogueDto,
  type RedeemItemInput,
  type RedeemItemResultDto,
  type RedemptionListDto,
  type RedemptionListQuery,
  type RedemptionOrderDto,
} from "@siyu/contracts";
import { appendAuditEntry } from "../../audit";
import type { Clock } from "../../shared/clock";
import type { WorkspaceContext } from "../../shared/context";
import { DomainError } from "../../shared/domain-error";
import { newId } from "../../shared/ids";
import { localDay } from "../../shared/local-time";
import { keyedOnce } from "../keyed-once";
import { loyaltyErrors } from "../loyalty.errors";
import { loadSettings } from "../loyalty.settings";
import { workspaceTimeZone } from "../loyalty-workspace";
import { lockAccount, rows } from "../points/points.ledger";
import { foldMergedAccounts, liveRoot } from "../points/points.jobs";
import { readAccount, toBalanceDto } from "../points/points.service";
import { COUPON_COLUMNS, toCouponDto, type CouponRow } from "../coupons/coupons.ledger";
import { cancelOrder, lockItem, lockOrder, redeemItem, toItemDto, toOrderDto, unavailability, type ItemRow, type OrderRow } from "./catalogue.ledger";

export interface CatalogueDeps {
  db: Db;
  clock: Clock;
  resolveProfileId(ctx: WorkspaceContext, profileId: string): Promise<string>;
}

/** The context of a member acting through the member-facing API (the member-facing routes pass workspace and profile). */
export function memberContext(workspaceId: string, profileId: string): WorkspaceContext {
  return { workspaceId, actor: { type: "system", id: null, name: `member:${profileId}` }, storeIds: null, ip: null };
}

function itemValues(b: CatalogueItemBody) {
  return sql`${b.kind}, ${b.sku}, ${b.name}, ${b.description}, ${b.imageUrl}, ${b.pointsCost}, ${b.cashMinor}, ${b.stock}, ${b.perMemberLimit},
    ${b.perMemberDailyLimit}, ${b.availableFrom}::timestamptz, ${b.availableUntil}::timestamptz, ${b.storeIds === null ? null : JSON.stringify(b.storeIds)}::jsonb,
    ${b.templateId}::uuid, ${b.status}`;
}

export function createCatalogueService(deps: CatalogueDeps) {
  const { db, clock } = deps;

  async function checkTemplate(tx: Db, workspaceId: string, body: CatalogueItemBody) {
    if (body.templateId === null) return;
    const [t] = await rows<{ id: string }>(tx, sql`select id from coupon_templates where workspace_id = ${workspaceId}::uuid and id = ${body.templateId}::uuid and status <> 'archived'`);
    if (!t) throw loyaltyErrors.error("loyalty.template_not_found", "No such coupon template", { path: "templateId" });
  }

  async function findItem(workspaceId: string, itemId: string): Promise<ItemRow> {
    const [item] = await rows<ItemRow>(db, sql`select * from catalogue_items where workspace_id = ${workspaceId}::uuid and id = ${itemId}::uuid and status <> 'archived'`);
    if (!item) throw loyaltyErrors.error("loyalty.item_not_found", "No such catalogue item");
    return item;
  }

  async function couponOf(on: Db, workspaceId: string, couponId: string | null, now: Date) {
    if (couponId === null) return null;
    const [c] = await rows<CouponRow>(on, sql`select ${COUPON_COLUMNS} from coupons where workspace_id = ${workspaceId}::uuid and id = ${couponId}::uuid`);
    return c ? toCouponDto(c, now) : null;
  }

  /** Locks the account holding an order's points (the live profile, after a merge), then runs the work. */
  async function withOrderAccount<T>(ctx: WorkspaceContext, orderId: string, work: (tx: Db, account: Awaited<ReturnType<typeof lockAccount>>) => Promise<T>): Promise<T> {
    const [o] = await rows<{ profile_id: string }>(db, sql`select profile_id from redemption_orders where workspace_id = ${ctx.workspaceId}::uuid and id = ${orderId}::uuid`);
    if (!o) throw loyaltyErrors.error("loyalty.redemption_not_found", "No such redemption");
    const now = clock.now();
    const owner = (await liveRoot(db, ctx.workspaceId, o.profile_id)) ?? o.profile_id;
    if (owner !== o.profile_id) await foldMergedAccounts(db, now, ctx.workspaceId);
    return db.transaction(async (tx) => work(tx, await lockAccount(tx, ctx.workspaceId, owner, now)));
  }

  const service = {
    async listItems(ctx: WorkspaceContext): Promise<CatalogueItemDto[]> {
      const found = await rows<ItemRow>(db, sql`select * from catalogue_items where workspace_id = ${ctx.workspaceId}::uuid and status <> 'archived' order by created_at desc`);
      return found.map(toItemDto);
    },

    async getItem(ctx: WorkspaceContext, itemId: string): Promise<CatalogueItemDto> {
      return toItemDto(await findItem(ctx.workspaceId, itemId));
    },

    async createItem(ctx: WorkspaceContext, input: CatalogueItemInput): Promise<CatalogueItemDto> {
      const body = CatalogueItemBody.parse(input);
      const now = clock.now().toISOString();
      return db.transaction(async (tx) => {
        await checkTemplate(tx, ctx.workspaceId, body);
        const [item] = await rows<ItemRow>(
          tx,
          sql`insert into catalogue_items (id, workspace_id, kind, sku, name, description, image_url, points_cost, cash_minor, stock, per_member_limit,
                per_member_daily_limit, available_from, available_until, store_ids, template_id, status, redeemed_count, created_at, updated_at)
              values (${newId()}::uuid, ${ctx.workspaceId}::uuid, ${itemValues(body)}, 0, ${now}::timestamptz, ${now}::timestamptz) returning *`,
        );
        await appendAuditEntry(tx, clock, ctx, { action: "loyalty.catalogue_item_created", targetType: "catalogue_item", targetId: item!.id, summary: `Catalogue item "${body.name}" created`, after: body as unknown as Record<string, unknown> });
        return toItemDto(item!);
      });
    },

    /** Replaces the item's terms; `stock` sets the units left. */
    async updateItem(ctx: WorkspaceContext, itemId: string, input: CatalogueItemInput): Promise<CatalogueItemDto> {
      const body = CatalogueItemBody.parse(input);
      return db.transaction(async (tx) => {
        const before = await lockItem(tx, ctx.workspaceId, itemId);
        await checkTemplate(tx, ctx.workspaceId, body);
        const [item] = await rows<ItemRow>(
          tx,
          sql`update catalogue_items set (kind, sku, name, description, image_url, points_cost, cash_minor, stock, per_member_limit, per_member_daily_limit,
                available_from, available_until, store_ids, template_id, status) = (${itemValues(body)}), updated_at = ${clock.now().toISOString()}::timestamptz
              where id = ${itemId}::uuid returning *`,
        );
        await appendAuditEntry(tx, clock, ctx, {
          action: "loyalty.catalogue_item_updated",
          targetType: "catalogue_item",
          targetId: itemId,
          summary: `Catalogue item "${body.name}" changed`,
          before: toItemDto(before) as unknown as Record<string, unknown>,
          after: body as unknown as Record<string, unknown>,
        });
        return toItemDto(item!);
      });
    },

    /** Archives: no more redemptions; open orders stay and can still be fulfilled or cancelled. */
    async deleteItem(ctx: WorkspaceContext, itemId: string): Promise<void> {
      await db.transaction(async (tx) => {
        const item = await lockItem(tx, ctx.workspaceId, itemId);
        await tx.execute(sql`update catalogue_items set status = 'archived', updated_at = ${clock.now().toISOString()}::timestamptz where id = ${itemId}::uuid`);
        await appendAuditEntry(tx, clock, ctx, { action: "loyalty.catalogue_item_archived", targetType: "catalogue_item", targetId: itemId, summary: `Catalogue item "${item.name}" archived` });
      });
    },

    /**
     * Redeems an item for a member in one transaction (account, then item locked). The key makes a replay
     * return the first result (`replayed: true`); the same key for another request is loyalty.idempotency_conflict.
     */
    async redeem(ctx: WorkspaceContext, profileId: string, input: RedeemItemInput): Promise<RedeemItemResultDto> {
      const body = RedeemItemBody.parse(input);
      const live = await deps.resolveProfileId(ctx, profileId);
      const now = clock.now();
      const request = `redeem:${body.itemId}:${body.storeId ?? ""}:${body.payWith ?? ""}`;
      const replay = async (on: Db): Promise<RedeemItemResultDto | null> => {
        const [o] = await rows<OrderRow>(on, sql`select * from redemption_orders where workspace_id = ${ctx.workspaceId}::uuid and idempotency_key = ${body.idempotencyKey}`);
        if (!o) return null;
        if (o.profile_id !== live || o.request !== request) throw loyaltyErrors.error("loyalty.idempotency_conflict", `Idempotency key "${body.idempotencyKey}" was used for a different request`);
        return { redemption: toOrderDto(o), balance: toBalanceDto(await readAccount(on, ctx.workspaceId, live)), coupon: await couponOf(on, ctx.workspaceId, o.coupon_id, now), replayed: true };
      };
      return keyedOnce(db, {
        lock: (tx) => lockAccount(tx, ctx.workspaceId, live, now),
        replay,
        work: async (tx, account) => {
          const settings = await loadSettings(tx, ctx.workspaceId);
          const { order, coupon } = await redeemItem(tx, account, {
            workspaceId: ctx.workspaceId,
            itemId: body.itemId,
            storeId: body.storeId,
            payWith: body.payWith,
            idempotencyKey: body.idempotencyKey,
            request,
            actor: ctx.actor.name,
            now,
            timeZone: await workspaceTimeZone(tx, ctx.workspaceId),
            paymentTimeoutMinutes: settings.catalogue.paymentTimeoutMinutes,
          });
          return { redemption: toOrderDto(order), balance: toBalanceDto(account), coupon: coupon ? toCouponDto(coupon, now) : null, replayed: false };
        },
      });
    },

    /** Newest first, filtered by status, item, customer or source; the cursor is the last id of the previous page. */
    async listRedemptions(ctx: WorkspaceContext, query: RedemptionListQuery): Promise<RedemptionListDto> {
      const profileId = query.profileId ? await deps.resolveProfileId(ctx, query.profileId) : null;
      const found = await rows<OrderRow>(
        db,
        sql`select * from redemption_orders where workspace_id = ${ctx.workspaceId}::uuid
              ${query.status ? sql`and status = ${query.status}` : sql``}
              ${query.itemId ? sql`and item_id = ${query.itemId}::uuid` : sql``}
              ${profileId ? sql`and profile_id = ${profileId}::uuid` : sql``}
              ${query.source ? sql`and source = ${query.source}` : sql``}
              ${query.cursor ? sql`and (created_at, id) < (select created_at, id from redemption_orders where id = ${query.cursor}::uuid)` : sql``}
            order by created_at desc, id desc limit ${query.limit + 1}`,
      );
      const items = found.slice(0, query.limit).map(toOrderDto);
      return { items, nextCursor: found.length > query.limit ? items[items.length - 1]!.id : null };
    },

    async getRedemption(ctx: WorkspaceContext, redemptionId: string): Promise<RedemptionOrderDto> {
      const [o] = await rows<OrderRow>(db, sql`select * from redemption_orders where workspace_id = ${ctx.workspaceId}::uuid and id = ${redemptionId}::uuid`);
      if (!o) throw loyaltyErrors.error("loyalty.redemption_not_found", "No such redemption");
      return toOrderDto(o);
    },

    /** Shipped or picked up, with a note. Only a pending (paid) order can be fulfilled. */
    async fulfil(ctx: WorkspaceContext, redemptionId: string, body: FulfilRedemptionBody): Promise<RedemptionOrderDto> {
      return db.transaction(async (tx) => {
        const order = await lockOrder(tx, ctx.workspaceId, redemptionId);
        if (order.status !== "pending") throw loyaltyErrors.error("loyalty.redemption_closed", `The redemption is ${order.status}`, { status: order.status });
        const [row] = await rows<OrderRow>(
          tx,
          sql`update redemption_orders set status = 'fulfilled', fulfilment = ${body.fulfilment}, note = ${body.note}, fulfilled_at = ${clock.now().toISOString()}::timestamptz
              where id = ${order.id}::uuid returning *`,
        );
        await appendAuditEntry(tx, clock, ctx, { action: "loyalty.redemption_fulfilled", targetType: "redemption", targetId: order.id, summary: `"${order.item_name}" ${body.fulfilment.replace("_", " ")}${body.note ? `: ${body.note}` : ""}` });
        return toOrderDto(row!);
      });
    },

    /** Points back exactly, stored value refunded, stock restored — once. */
    async cancel(ctx: WorkspaceContext, redemptionId: string, body: CancelRedemptionBody): Promise<RedemptionOrderDto> {
      return withOrderAccount(ctx, redemptionId, async (tx, account) => {
        const order = await cancelOrder(tx, account, { workspaceId: ctx.workspaceId, orderId: redemptionId, reason: body.reason, actor: ctx.actor.name, now: clock.now() });
        await appendAuditEntry(tx, clock, ctx, { action: "loyalty.redemption_cancelled", targetType: "redemption", targetId: order.id, summary: `"${order.item_name}" cancelled: ${body.reason}` });
        return toOrderDto(order);
      });
    },

    /** The external payment of a points + cash order arrived: the order becomes pending (to fulfil). The same reference again is a no-op. */
    async confirmPayment(ctx: WorkspaceContext, redemptionId: string, body: ConfirmPaymentBody): Promise<RedemptionOrderDto> {
      return db.transaction(async (tx) => {
        const order = await lockOrder(tx, ctx.workspaceId, redemptionId);
        if (order.status === "pending" && order.payment_reference === body.reference) return toOrderDto(order);
        if (order.status !== "awaiting_payment") throw loyaltyErrors.error("loyalty.redemption_closed", `The redemption is ${order.status}`, { status: order.status });
        const [row] = await rows<OrderRow>(tx, sql`update redemption_orders set status = 'pending', payment_reference = ${body.reference} where id = ${order.id}::uuid returning *`);
        await appendAuditEntry(tx, clock, ctx, { action: "loyalty.redemption_paid", targetType: "redemption", targetId: order.id, summary: `"${order.item_name}" paid (${body.reference})` });
        return toOrderDto(row!);
      });
    },

    /** The job: cancels points + cash orders whose external payment did not arrive in time (points and stock back). */
    async runPaymentTimeouts(now: Date = clock.now()): Promise<number> {
      const due = await rows<{ id: string; workspace_id: string }>(
        db,
        sql`select id, workspace_id from redemption_orders where status = 'awaiting_payment' and payment_due_at <= ${now.toISOString()}::timestamptz order by payment_due_at limit 500`,
      );
      let cancelled = 0;
      for (const o of due) {
        const ctx: WorkspaceContext = { workspaceId: o.workspace_id, actor: { type: "system", id: null, name: "system" }, storeIds: null, ip: null };
        try {
          await service.cancel(ctx, o.id, { reason: "payment not received in time" });
          cancelled += 1;
        } catch (error) {
          // Paid (or cancelled) meanwhile: nothing to do.
          if (!(error instanceof DomainError && error.code === "loyalty.redemption_closed")) throw error;
        }
      }
      return cancelled;
    },

    /** Member-facing: the items on offer now, with whether the member's points cover each and how many more they may take. */
    async memberCatalogue(workspaceId: string, profileId: string): Promise<MemberCatalogueDto> {
      const ctx = memberContext(workspaceId, profileId);
      const live = await deps.resolveProfileId(ctx, profileId);
      const now = clock.now();
      const account = await readAccount(db, workspaceId, live);
      const day = localDay(now, await workspaceTimeZone(db, workspaceId));
      const found = await rows<ItemRow & { mine: number; mine_today: number }>(
        db,
        sql`select i.*, coalesce(c.total, 0)::int as mine, coalesce(c.today, 0)::int as mine_today
            from catalogue_items i
            left join (select item_id, count(*) as total, count(*) filter (where redeem_day = ${day}) as today from redemption_orders
                       where workspace_id = ${workspaceId}::uuid and profile_id = ${live}::uuid and status <> 'cancelled' and source = 'redemption' group by item_id) c on c.item_id = i.id
            where i.workspace_id = ${workspaceId}::uuid and i.status = 'active' order by i.points_cost, i.created_at`,
      );
      const items = found
        .filter((i) => unavailability({ ...i, store_ids: null }, now, null) === null)
        .map((i) => {
          const left = [i.per_member_limit === null ? null : i.per_member_limit - Number(i.mine), i.per_member_daily_limit === null ? null : i.per_member_daily_limit - Number(i.mine_today)].filter(
            (n): n is number => n !== null,
          );
          return { ...toItemDto(i), affordable: account.available >= Number(i.points_cost), remainingForMember: left.length === 0 ? null : Math.max(0, Math.min(...left)) };
        });
      return { available: account.available, items };
    },

    /** Member-facing redeem: the same rules and keys as the operator's. */
    redeemForMember: (workspaceId: string, profileId: string, input: RedeemItemInput) => service.redeem(memberContext(workspaceId, profileId), profileId, input),

    /** Member-facing: the member's own redemptions, newest first. */
    memberRedemptions: (workspaceId: string, profileId: string, query: Omit<RedemptionListQuery, "profileId">) =>
      service.listRedemptions(memberContext(workspaceId, profileId), { ...query, profileId }),
  };
  return service;
}
export type CatalogueService = ReturnType<typeof createCatalogueService>;
