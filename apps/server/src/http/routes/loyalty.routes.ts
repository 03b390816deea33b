import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  AdjustPointsBody,
  CouponListDto,
  CouponTemplateDto,
  CouponTemplateListDto,
  CouponTemplateParams,
  CreateCouponTemplateBody,
  CreateIssueJobBody,
  CustomerTierDto,
  IssueJobDto,
  IssueJobParams,
  ExchangePointsBody,
  ExchangeResultDto,
  IssueCouponsBody,
  IssueResultDto,
  LoyaltySettings,
  PointsBalanceDto,
  PointsEntryParams,
  PointsHistoryDto,
  PointsHistoryQuery,
  PointsOperationDto,
  ProfileParams,
  PutLoyaltySettingsBody,
  RedeemCouponBody,
  RedeemCouponResultDto,
  RedeemPointsBody,
  RestoreCouponsBody,
  ReversePointsBody,
  UpdateCouponTemplateBody,
  StoredValueBalanceDto,
  StoredValueHistoryDto,
  StoredValueResultDto,
  TopUpBody,
  SpendStoredValueBody,
  RefundStoredValueBody,
  WorkspaceParams,
} from "@siyu/contracts";
import type { CoreServices } from "@siyu/core";
import { requireWorkspace } from "../route-config";

const tags = ["Loyalty"];
const base = "/api/v1/workspaces/:workspaceId";

/** Admin loyalty API: points per customer, settings, coupon templates, issuing and redemption. */
export const loyaltyRoutes: FastifyPluginAsyncZod<{ services: CoreServices }> = async (app, { services }) => {
  app.get(
    `${base}/loyalty/settings`,
    {
      schema: { params: WorkspaceParams, response: { 200: LoyaltySettings }, tags, summary: "Loyalty settings: earn rules, expiry, pending days (defaults until changed)" },
      config: { auth: "workspace", permission: "loyalty.read" },
    },
    async (req) => services.points.settings(requireWorkspace(req).workspaceId),
  );

  app.put(
    `${base}/loyalty/settings`,
    {
      schema: { params: WorkspaceParams, body: PutLoyaltySettingsBody, response: { 200: LoyaltySettings }, tags, summary: "Replace the loyalty settings; omitted fields take their defaults" },
      config: { auth: "workspace", permission: "loyalty.manage" },
    },
    async (req) => services.points.putSettings(requireWorkspace(req), req.body),
  );

  app.get(
    `${base}/customers/:profileId/points`,
    {
      schema: { params: ProfileParams, response: { 200: PointsBalanceDto }, tags, summary: "A customer's points: available, pending, lifetime earned" },
      config: { auth: "workspace", permission: "loyalty.read" },
    },
    async (req) => services.points.balance(requireWorkspace(req), req.params.profileId),
  );

  app.get(
    `${base}/customers/:profileId/tier`,
    {
      schema: { params: ProfileParams, response: { 200: CustomerTierDto }, tags, summary: "A customer's tier, benefits, growth value and progress to the next level" },
      config: { auth: "workspace", permission: "loyalty.read" },
    },
    async (req) => services.points.tier(requireWorkspace(req), req.params.profileId),
  );

  app.post(
    `${base}/loyalty/tiers/recalculation`,
    {
      schema: { params: WorkspaceParams, body: z.strictObject({}).optional(), response: { 200: z.object({ changed: z.number().int() }) }, tags, summary: "Judge every member's tier again now (after changing the tier rules)" },
      config: { auth: "workspace", permission: "loyalty.manage" },
    },
    async (req) => services.points.recalculateTiers(requireWorkspace(req)),
  );

  app.get(
    `${base}/customers/:profileId/points/entries`,
    {
      schema: { params: ProfileParams, querystring: PointsHistoryQuery, response: { 200: PointsHistoryDto }, tags, summary: "A customer's points ledger, newest first" },
      config: { auth: "workspace", permission: "loyalty.read" },
    },
    async (req) => services.points.history(requireWorkspace(req), req.params.profileId, req.query),
  );

  app.post(
    `${base}/customers/:profileId/points/adjustments`,
    {
      schema: {
        params: ProfileParams,
        body: AdjustPointsBody,
        response: { 200: PointsOperationDto, 201: PointsOperationDto },
        tags,
        summary: "Add or deduct points with a reason (audited; idempotent by idempotencyKey: a replay answers 200 with the first result)",
      },
      config: { auth: "workspace", permission: "loyalty.manage" },
    },
    async (req, reply) => {
      const result = await services.points.adjust(requireWorkspace(req), req.params.profileId, req.body);
      return reply.code(result.replayed ? 200 : 201).send(result);
    },
  );

  app.post(
    `${base}/customers/:profileId/points/redemptions`,
    {
      schema: {
        params: ProfileParams,
        body: RedeemPointsBody,
        response: { 200: PointsOperationDto, 201: PointsOperationDto },
        tags,
        summary: "Spend points, oldest first; never below zero (idempotent by idempotencyKey)",
      },
      // Data plane (tills, mini-programs): the ledger entry records who redeemed, so no audit entry.
      config: { auth: "workspace", permission: "loyalty.manage", audited: false },
    },
    async (req, reply) => {
      const result = await services.points.redeem(requireWorkspace(req), req.params.profileId, req.body);
      return reply.code(result.replayed ? 200 : 201).send(result);
    },
  );

  app.post(
    `${base}/customers/:profileId/points/exchanges`,
    {
      schema: {
        params: ProfileParams,
        body: ExchangePointsBody,
        response: { 200: ExchangeResultDto, 201: ExchangeResultDto },
        tags,
        summary: "Exchange points for a coupon, all or nothing (idempotent by idempotencyKey)",
      },
      // Data plane, like a redemption: the entry and the coupon record it.
      config: { auth: "workspace", permission: "loyalty.manage", audited: false },
    },
    async (req, reply) => {
      const result = await services.coupons.exchange(requireWorkspace(req), req.params.profileId, req.body);
      return reply.code(result.replayed ? 200 : 201).send(result);
    },
  );

  app.post(
    `${base}/points/entries/:entryId/reversal`,
    {
      schema: {
        params: PointsEntryParams,
        body: ReversePointsBody,
        response: { 200: PointsOperationDto, 201: PointsOperationDto },
        tags,
        summary: "Undo a redemption or deduction: the points return to the buckets they came from",
      },
      config: { auth: "workspace", permission: "loyalty.manage" },
    },
    async (req, reply) => {
      const result = await services.points.reverse(requireWorkspace(req), req.params.entryId, req.body);
      return reply.code(result.replayed ? 200 : 201).send(result);
    },
  );

  app.get(
    `${base}/customers/:profileId/stored-value`,
    {
      schema: { params: ProfileParams, response: { 200: StoredValueBalanceDto }, tags, summary: "A customer's stored value (储值): principal and bonus" },
      config: { auth: "workspace", permission: "loyalty.read" },
    },
    async (req) => services.storedValue.balance(requireWorkspace(req), req.params.profileId),
  );

  app.get(
    `${base}/customers/:profileId/stored-value/transactions`,
    {
      schema: { params: ProfileParams, response: { 200: StoredValueHistoryDto }, tags, summary: "A customer's stored-value transactions, newest first" },
      config: { auth: "workspace", permission: "loyalty.read" },
    },
    async (req) => ({ items: await services.storedValue.history(requireWorkspace(req), req.params.profileId) }),
  );

  for (const [path, body, summary, run] of [
    ["top-ups", TopUpBody, "Add money (with the top-up bonus rule); idempotent by idempotencyKey", "topUp"],
    ["spends", SpendStoredValueBody, "Pay an order from stored value; never below zero; one spend per order", "spend"],
    ["refunds", RefundStoredValueBody, "Give back (part of) an order's spend, principal and bonus in the spend's proportion; never more than was spent", "refund"],
  ] as const) {
    app.post(
      `${base}/customers/:profileId/stored-value/${path}`,
      {
        schema: { params: ProfileParams, body, response: { 200: StoredValueResultDto, 201: StoredValueResultDto }, tags, summary },
        // Data plane (tills, payments): the transaction records actor, reference and order.
        config: { auth: "workspace", permission: "loyalty.manage", audited: false },
      },
      async (req, reply) => {
        const ctx = requireWorkspace(req);
        const result =
          run === "topUp"
            ? await services.storedValue.topUp(ctx, req.params.profileId, req.body as TopUpBody)
            : run === "spend"
              ? await services.storedValue.spend(ctx, req.params.profileId, req.body as SpendStoredValueBody)
              : await services.storedValue.refund(ctx, req.params.profileId, req.body as RefundStoredValueBody);
        return reply.code(result.replayed ? 200 : 201).send(result);
      },
    );
  }

  app.get(
    `${base}/coupon-templates`,
    {
      schema: { params: WorkspaceParams, response: { 200: CouponTemplateListDto }, tags, summary: "Coupon templates (archived ones hidden)" },
      config: { auth: "workspace", permission: "loyalty.read" },
    },
    async (req) => ({ items: await services.coupons.listTemplates(requireWorkspace(req)) }),
  );

  app.post(
    `${base}/coupon-templates`,
    {
      schema: { params: WorkspaceParams, body: CreateCouponTemplateBody, response: { 201: CouponTemplateDto }, tags, summary: "Create a coupon template" },
      config: { auth: "workspace", permission: "loyalty.manage" },
    },
    async (req, reply) => reply.code(201).send(await services.coupons.createTemplate(requireWorkspace(req), req.body)),
  );

  app.get(
    `${base}/coupon-templates/:templateId`,
    {
      schema: { params: CouponTemplateParams, response: { 200: CouponTemplateDto }, tags, summary: "A coupon template with its issued count" },
      config: { auth: "workspace", permission: "loyalty.read" },
    },
    async (req) => services.coupons.getTemplate(requireWorkspace(req), req.params.templateId),
  );

  app.put(
    `${base}/coupon-templates/:templateId`,
    {
      schema: { params: CouponTemplateParams, body: UpdateCouponTemplateBody, response: { 200: CouponTemplateDto }, tags, summary: "Replace a template's terms (issued coupons keep theirs)" },
      config: { auth: "workspace", permission: "loyalty.manage" },
    },
    async (req) => services.coupons.updateTemplate(requireWorkspace(req), req.params.templateId, req.body),
  );

  app.delete(
    `${base}/coupon-templates/:templateId`,
    {
      schema: { params: CouponTemplateParams, response: { 204: z.null() }, tags, summary: "Archive a template: no more issues, issued coupons stay valid" },
      config: { auth: "workspace", permission: "loyalty.manage" },
    },
    async (req, reply) => {
      await services.coupons.deleteTemplate(requireWorkspace(req), req.params.templateId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    `${base}/coupon-templates/:templateId/issues`,
    {
      schema: {
        params: CouponTemplateParams,
        body: IssueCouponsBody,
        response: { 200: IssueResultDto },
        tags,
        summary: "Issue one coupon to each listed customer; per customer a coupon or an error code (idempotent by idempotencyKey)",
      },
      config: { auth: "workspace", permission: "loyalty.manage" },
    },
    async (req) => services.coupons.issue(requireWorkspace(req), req.params.templateId, req.body),
  );

  app.post(
    `${base}/coupon-templates/:templateId/issue-jobs`,
    {
      schema: {
        params: CouponTemplateParams,
        body: CreateIssueJobBody,
        response: { 202: IssueJobDto },
        tags,
        summary: "Issue to up to 100,000 customers in the background, crash-safe; poll the job for progress (idempotent by idempotencyKey)",
      },
      config: { auth: "workspace", permission: "loyalty.manage" },
    },
    async (req, reply) => reply.code(202).send(await services.coupons.createIssueJob(requireWorkspace(req), req.params.templateId, req.body)),
  );

  app.get(
    `${base}/coupon-issue-jobs/:jobId`,
    {
      schema: { params: IssueJobParams, response: { 200: IssueJobDto }, tags, summary: "A bulk issue's progress: issued, refused by code" },
      config: { auth: "workspace", permission: "loyalty.read" },
    },
    async (req) => services.coupons.getIssueJob(requireWorkspace(req), req.params.jobId),
  );

  app.get(
    `${base}/customers/:profileId/coupons`,
    {
      schema: { params: ProfileParams, response: { 200: CouponListDto }, tags, summary: "A customer's coupons, newest first" },
      config: { auth: "workspace", permission: "loyalty.read" },
    },
    async (req) => ({ items: await services.coupons.listOfCustomer(requireWorkspace(req), req.params.profileId) }),
  );

  app.post(
    `${base}/coupons/redemptions`,
    {
      schema: {
        params: WorkspaceParams,
        body: RedeemCouponBody,
        response: { 200: RedeemCouponResultDto, 201: RedeemCouponResultDto },
        tags,
        summary: "Redeem a coupon code against an order (idempotent by orderId: the same order answers 200 with the first result)",
      },
      // Data plane (tills): the coupon row records the order, store and time.
      config: { auth: "workspace", permission: "loyalty.manage", audited: false },
    },
    async (req, reply) => {
      const result = await services.coupons.redeem(requireWorkspace(req), req.body);
      return reply.code(result.replayed ? 200 : 201).send(result);
    },
  );

  app.post(
    `${base}/coupons/restorations`,
    {
      schema: { params: WorkspaceParams, body: RestoreCouponsBody, response: { 200: CouponListDto }, tags, summary: "Give back the coupons an order used (a full refund through the event log does this by itself)" },
      config: { auth: "workspace", permission: "loyalty.manage" },
    },
    async (req) => ({ items: await services.coupons.restoreForOrder(requireWorkspace(req), req.body.orderId) }),
  );
};
