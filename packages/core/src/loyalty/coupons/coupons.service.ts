import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import {
  CreateCouponTemplateBody,
  type CouponDto,
  type CouponTemplateDto,
  type CreateCouponTemplateInput,
  type IssueCouponsBody,
  type IssueResultDto,
  type CreateIssueJobBody,
  type ExchangePointsBody,
  type ExchangeResultDto,
  type RedeemCouponInput,
  type RedeemCouponResultDto,
  RedeemCouponBody,
} from "@siyu/contracts";
import { appendAuditEntry } from "../../audit";
import type { Clock } from "../../shared/clock";
import type { WorkspaceContext } from "../../shared/context";
import { DomainError } from "../../shared/domain-error";
import { createGroupCommitter, type GroupCommitSettings, type GroupCommitStats } from "../../shared/group-commit";
import { newId } from "../../shared/ids";
import { keyedOnce } from "../keyed-once";
import { loyaltyErrors } from "../loyalty.errors";
import { createIssueJob, getIssueJob, runIssueBatch } from "./issue-jobs";
import { queueBirthdayGifts } from "./birthday-gifts";
import { findEntryByKey, lockAccount, rows } from "../points/points.ledger";
import { foldMergedCoupons } from "../points/points.jobs";
import { readAccount, toBalanceDto, toEntryDto, workspaceTimeZone } from "../points/points.service";
import {
  COUPON_COLUMNS,
  exchangeForCoupon,
  expireDueCoupons,
  issueCoupon,
  lockTemplate,
  restoreCouponsOfOrder,
  toCouponDto,
  toTemplateDto,
  type CouponRow,
  type TemplateRow,
} from "./coupons.ledger";
import { redemptionGroupWork } from "./coupons.redeem";

export interface CouponsDeps {
  db: Db;
  clock: Clock;
  resolveProfileId(ctx: WorkspaceContext, profileId: string): Promise<string>;
  /** How redemptions are grouped into shared transactions; DEFAULT_GROUP_COMMIT_SETTINGS when left out. */
  groupCommit?: GroupCommitSettings;
}

function templateValues(body: CreateCouponTemplateBody) {
  return sql`${body.name}, ${body.kind}, ${body.amountMinor}, ${body.percentOff}, ${body.capMinor}, ${body.thresholdMinor}, ${body.itemSku},
    ${JSON.stringify(body.validity)}::jsonb, ${body.totalStock}, ${body.perMemberLimit}, ${body.perMemberDailyLimit},
    ${body.storeIds === null ? null : JSON.stringify(body.storeIds)}::jsonb, ${body.pointsCost}, ${body.status},
    ${body.productScope === null ? null : JSON.stringify(body.productScope)}::jsonb, ${body.stackable}, ${body.claimable}`;
}

export function createCouponsService(deps: CouponsDeps) {
  const { db, clock } = deps;
  const redemptions = createGroupCommitter(db, redemptionGroupWork(clock), deps.groupCommit);

  async function getTemplate(ctx: WorkspaceContext, templateId: string): Promise<TemplateRow> {
    const [t] = await rows<TemplateRow>(db, sql`select * from coupon_templates where workspace_id = ${ctx.workspaceId}::uuid and id = ${templateId}::uuid`);
    if (!t) throw loyaltyErrors.error("loyalty.template_not_found", "No such coupon template");
    return t;
  }

  return {
    async createTemplate(ctx: WorkspaceContext, input: CreateCouponTemplateInput): Promise<CouponTemplateDto> {
      const body = CreateCouponTemplateBody.parse(input);
      const now = clock.now().toISOString();
      return db.transaction(async (tx) => {
        const [t] = await rows<TemplateRow>(
          tx,
          sql`insert into coupon_templates (id, workspace_id, name, kind, amount_minor, percent_off, cap_minor, threshold_minor, item_sku, validity,
                total_stock, per_member_limit, per_member_daily_limit, store_ids, points_cost, status, product_scope, stackable, claimable, issued_count, created_at, updated_at)
              values (${newId()}::uuid, ${ctx.workspaceId}::uuid, ${templateValues(body)}, 0, ${now}::timestamptz, ${now}::timestamptz)
              returning *`,
        );
        await appendAuditEntry(tx, clock, ctx, { action: "loyalty.coupon_template_created", targetType: "coupon_template", targetId: t!.id, summary: `Coupon template "${body.name}" created`, after: body as unknown as Record<string, unknown> });
        return toTemplateDto(t!);
      });
    },

    async listTemplates(ctx: WorkspaceContext): Promise<CouponTemplateDto[]> {
      const found = await rows<TemplateRow>(db, sql`select * from coupon_templates where workspace_id = ${ctx.workspaceId}::uuid and status <> 'archived' order by created_at desc`);
      return found.map(toTemplateDto);
    },

    /** What members may get themselves: active templates that are claimable or exchangeable for points, still valid and in stock. */
    async listForMembers(ctx: WorkspaceContext): Promise<CouponTemplateDto[]> {
      const now = clock.now().toISOString();
      const found = await rows<TemplateRow>(
        db,
        sql`select * from coupon_templates where workspace_id = ${ctx.workspaceId}::uuid and status = 'active'
              and (claimable or points_cost is not null)
              and (total_stock is null or issued_count < total_stock)
              and (validity->>'kind' <> 'fixed' or (validity->>'until')::timestamptz > ${now}::timestamptz)
            order by created_at desc limit 200`,
      );
      return found.map(toTemplateDto);
    },

    async getTemplate(ctx: WorkspaceContext, templateId: string): Promise<CouponTemplateDto> {
      return toTemplateDto(await getTemplate(ctx, templateId));
    },

    /** Replaces the terms; coupons already issued keep their validity. Stock cannot drop below what was issued. */
    async updateTemplate(ctx: WorkspaceContext, templateId: string, input: CreateCouponTemplateInput): Promise<CouponTemplateDto> {
      const body = CreateCouponTemplateBody.parse(input);
      return db.transaction(async (tx) => {
        const before = await lockTemplate(tx, ctx.workspaceId, templateId);
        if (before.status === "archived") throw loyaltyErrors.error("loyalty.template_not_found", "The template was deleted");
        if (body.totalStock !== null && body.totalStock < before.issued_count) {
          throw loyaltyErrors.error("loyalty.out_of_stock", `totalStock cannot be below the ${before.issued_count} already issued`, { path: "totalStock" });
        }
        const [t] = await rows<TemplateRow>(
          tx,
          sql`update coupon_templates set (name, kind, amount_minor, percent_off, cap_minor, threshold_minor, item_sku, validity, total_stock,
                per_member_limit, per_member_daily_limit, store_ids, points_cost, status, product_scope, stackable, claimable) = (${templateValues(body)}), updated_at = ${clock.now().toISOString()}::timestamptz
              where id = ${templateId}::uuid returning *`,
        );
        await appendAuditEntry(tx, clock, ctx, {
          action: "loyalty.coupon_template_updated",
          targetType: "coupon_template",
          targetId: templateId,
          summary: `Coupon template "${body.name}" changed`,
          before: toTemplateDto(before) as unknown as Record<string, unknown>,
          after: body as unknown as Record<string, unknown>,
        });
        return toTemplateDto(t!);
      });
    },

    /** Archives: no more issues; issued coupons stay valid. */
    async deleteTemplate(ctx: WorkspaceContext, templateId: string): Promise<void> {
      await db.transaction(async (tx) => {
        const t = await lockTemplate(tx, ctx.workspaceId, templateId);
        await tx.execute(sql`update coupon_templates set status = 'archived', updated_at = ${clock.now().toISOString()}::timestamptz where id = ${templateId}::uuid`);
        await appendAuditEntry(tx, clock, ctx, { action: "loyalty.coupon_template_archived", targetType: "coupon_template", targetId: templateId, summary: `Coupon template "${t.name}" archived` });
      });
    },

    /**
     * Issues one coupon per listed customer, each in its own transaction (a customer over a limit does not stop
     * the others). The key makes the whole request retryable: per customer it becomes `<key>:<profileId>`.
     */
    async issue(ctx: WorkspaceContext, templateId: string, body: IssueCouponsBody): Promise<IssueResultDto> {
      const timeZone = await workspaceTimeZone(db, ctx.workspaceId);
      await getTemplate(ctx, templateId);
      const items: IssueResultDto["items"] = [];
      for (const profileId of new Set(body.profileIds)) {
        try {
          const live = await deps.resolveProfileId(ctx, profileId);
          const now = clock.now();
          const { coupon } = await db.transaction((tx) =>
            issueCoupon(tx, { workspaceId: ctx.workspaceId, templateId, profileId: live, issueKey: `${body.idempotencyKey}:${profileId}`, now, timeZone }),
          );
          items.push({ profileId, coupon: toCouponDto(coupon, now), error: null });
        } catch (error) {
          if (!(error instanceof DomainError) || error.code === "loyalty.template_not_found") throw error;
          items.push({ profileId, coupon: null, error: { code: error.code, message: error.message } });
        }
      }
      const issued = items.filter((i) => i.coupon !== null).length;
      await appendAuditEntry(db, clock, ctx, {
        action: "loyalty.coupons_issued",
        targetType: "coupon_template",
        targetId: templateId,
        summary: `${issued} coupon(s) issued, ${items.length - issued} refused (key ${body.idempotencyKey})`,
      });
      return { items };
    },

    /**
     * One coupon for one member (a claim); errors are thrown with their codes. `requireClaimable`: the member
     * claims it themselves (member API), so the template must be marked claimable.
     */
    async claim(
      ctx: WorkspaceContext,
      templateId: string,
      profileId: string,
      issueKey: string | null = null,
      options: { requireClaimable?: boolean } = {},
    ): Promise<{ coupon: CouponDto; replayed: boolean }> {
      const live = await deps.resolveProfileId(ctx, profileId);
      const timeZone = await workspaceTimeZone(db, ctx.workspaceId);
      const now = clock.now();
      const result = await db.transaction((tx) =>
        issueCoupon(tx, { workspaceId: ctx.workspaceId, templateId, profileId: live, issueKey, now, timeZone, requireClaimable: options.requireClaimable }),
      );
      return { coupon: toCouponDto(result.coupon, now), replayed: result.replayed };
    },

    /**
     * Points for a coupon, all or nothing: in one transaction the account is locked, the coupon is issued
     * (template locked: stock and limits hold) and its points cost taken oldest first. No stock → no points
     * taken; too few points → no coupon. The key makes a replay return the first exchange.
     */
    async exchange(ctx: WorkspaceContext, profileId: string, body: ExchangePointsBody): Promise<ExchangeResultDto> {
      const live = await deps.resolveProfileId(ctx, profileId);
      const timeZone = await workspaceTimeZone(db, ctx.workspaceId);
      const now = clock.now();
      const signature = `exchange:${body.templateId}`;
      const issueKey = `points:${body.idempotencyKey}`;
      const replay = async (on: Db): Promise<ExchangeResultDto | null> => {
        const entry = await findEntryByKey(on, ctx.workspaceId, body.idempotencyKey);
        if (!entry) return null;
        if (entry.profile_id !== live || entry.metadata.request !== signature) {
          throw loyaltyErrors.error("loyalty.idempotency_conflict", `Idempotency key "${body.idempotencyKey}" was used for a different request`);
        }
        const [coupon] = await rows<CouponRow>(on, sql`select ${COUPON_COLUMNS} from coupons where workspace_id = ${ctx.workspaceId}::uuid and issue_key = ${issueKey}`);
        return { entry: toEntryDto(entry), balance: toBalanceDto(await readAccount(on, ctx.workspaceId, live)), coupon: toCouponDto(coupon!, now), replayed: true };
      };
      return keyedOnce(db, {
        lock: (tx) => lockAccount(tx, ctx.workspaceId, live, now),
        replay,
        work: async (tx, account) => {
          const { coupon, entry } = await exchangeForCoupon(tx, account, {
            workspaceId: ctx.workspaceId,
            templateId: body.templateId,
            pointsCost: null,
            issueKey,
            idempotencyKey: body.idempotencyKey,
            actor: ctx.actor.name,
            metadata: { request: signature },
            now,
            timeZone,
          });
          return { entry: toEntryDto(entry), balance: toBalanceDto(account), coupon: toCouponDto(coupon, now), replayed: false };
        },
      });
    },

    /** A bulk issue, worked through by the worker in crash-safe batches (see issue-jobs.ts). */
    createIssueJob: (ctx: WorkspaceContext, templateId: string, body: CreateIssueJobBody) => createIssueJob(db, clock, ctx, templateId, body),
    getIssueJob: (ctx: WorkspaceContext, jobId: string) => getIssueJob(db, ctx, jobId),
    /** One batch of the oldest running issue job; 0 when there is none. */
    runIssueBatch: (limit = 500, hooks?: { beforeCommit?: () => Promise<void> }) => runIssueBatch(db, clock, limit, hooks),

    /** Queues each workspace's birthday gifts due today (local day); the issue worker issues them. Returns members queued. */
    async runBirthdayGifts(): Promise<number> {
      let queued = 0;
      for (const w of await rows<{ id: string }>(db, sql`select id from workspaces`)) queued += await queueBirthdayGifts(db, clock, w.id);
      return queued;
    },

    async listOfCustomer(ctx: WorkspaceContext, profileId: string): Promise<CouponDto[]> {
      const live = await deps.resolveProfileId(ctx, profileId);
      const now = clock.now();
      const found = await rows<CouponRow>(
        db,
        sql`select ${COUPON_COLUMNS} from coupons where workspace_id = ${ctx.workspaceId}::uuid and profile_id = ${live}::uuid order by issued_at desc limit 500`,
      );
      return found.map((c) => toCouponDto(c, now));
    },

    /**
     * Redeems `code` (or `codes`, all or none) against an order (coupons.redeem.ts). Group-committed:
     * concurrent redemptions share a transaction and its commit; the answer comes after that commit.
     */
    async redeem(ctx: WorkspaceContext, input: RedeemCouponInput): Promise<RedeemCouponResultDto> {
      const body = RedeemCouponBody.parse(input);
      const result = await redemptions.submit({
        workspaceId: ctx.workspaceId,
        codes: body.codes ?? [body.code!],
        orderId: body.orderId,
        orderTotalMinor: body.orderTotalMinor ?? null,
        storeId: body.storeId,
        lines: body.lines ?? null,
      });
      const now = clock.now();
      const coupons = result.coupons.map((c) => toCouponDto(c, now));
      return { coupon: coupons[0]!, coupons, discountMinor: result.discountMinor, replayed: result.replayed };
    },

    /** How the group commit of redemptions has gone: batches, calls, fallbacks. */
    redemptionStats: (): GroupCommitStats => redemptions.stats(),

    /** Gives back the coupons an order used (also done by the orders consumer on a full refund). */
    async restoreForOrder(ctx: WorkspaceContext, orderId: string): Promise<CouponDto[]> {
      const now = clock.now();
      const restored = await db.transaction(async (tx) => {
        const back = await restoreCouponsOfOrder(tx, ctx.workspaceId, orderId, now);
        await appendAuditEntry(tx, clock, ctx, { action: "loyalty.coupons_restored", targetType: "order", targetId: orderId, summary: `${back.length} coupon(s) of order ${orderId} given back` });
        return back;
      });
      return restored.map((c) => toCouponDto(c, now));
    },

    /** Expires coupons past their validity and moves merged-away profiles' coupons to the survivor. */
    runExpiry: async (now: Date = clock.now()): Promise<number> => {
      await foldMergedCoupons(db);
      let total = 0;
      for (;;) {
        const { seen, expired } = await expireDueCoupons(db, now);
        total += expired;
        if (seen === 0) return total;
      }
    },
  };
}
export type CouponsService = ReturnType<typeof createCouponsService>;
