import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  CancelRedemptionBody,
  CatalogueItemBody,
  CatalogueItemDto,
  CatalogueItemListDto,
  CatalogueItemParams,
  ConfirmPaymentBody,
  CustomerDrawBody,
  DrawResultDto,
  FulfilRedemptionBody,
  LotteryCampaignBody,
  LotteryCampaignDto,
  LotteryCampaignListDto,
  LotteryCampaignParams,
  LotteryDrawListDto,
  LotteryDrawListQuery,
  LotteryStatsDto,
  ProfileParams,
  RedeemItemBody,
  RedeemItemResultDto,
  RedemptionListDto,
  RedemptionListQuery,
  RedemptionOrderDto,
  RedemptionParams,
  WorkspaceParams,
} from "@siyu/contracts";
import type { CoreServices } from "@siyu/core";
import { requireWorkspace } from "../route-config";

const tags = ["Loyalty"];
const base = "/api/v1/workspaces/:workspaceId";
const read = { auth: "workspace", permission: "loyalty.read" } as const;
const manage = { auth: "workspace", permission: "loyalty.manage" } as const;

/** The redemption catalogue (goods with stock, coupons for points, points + cash), its orders, and lottery campaigns and draws. */
export const loyaltyCatalogueRoutes: FastifyPluginAsyncZod<{ services: CoreServices }> = async (app, { services }) => {
  const { catalogue, lottery } = services;

  app.get(`${base}/catalogue/items`, { schema: { params: WorkspaceParams, response: { 200: CatalogueItemListDto }, tags, summary: "Catalogue items (not archived), newest first" }, config: read }, async (req) => ({
    items: await catalogue.listItems(requireWorkspace(req)),
  }));

  app.post(
    `${base}/catalogue/items`,
    { schema: { params: WorkspaceParams, body: CatalogueItemBody, response: { 201: CatalogueItemDto }, tags, summary: "Create a catalogue item: goods with stock, or a coupon template's coupon for points" }, config: manage },
    async (req, reply) => reply.code(201).send(await catalogue.createItem(requireWorkspace(req), req.body)),
  );

  app.get(`${base}/catalogue/items/:itemId`, { schema: { params: CatalogueItemParams, response: { 200: CatalogueItemDto }, tags, summary: "One catalogue item" }, config: read }, async (req) =>
    catalogue.getItem(requireWorkspace(req), req.params.itemId),
  );

  app.put(
    `${base}/catalogue/items/:itemId`,
    { schema: { params: CatalogueItemParams, body: CatalogueItemBody, response: { 200: CatalogueItemDto }, tags, summary: "Replace an item's terms; stock sets the units left" }, config: manage },
    async (req) => catalogue.updateItem(requireWorkspace(req), req.params.itemId, req.body),
  );

  app.delete(
    `${base}/catalogue/items/:itemId`,
    { schema: { params: CatalogueItemParams, response: { 204: z.null() }, tags, summary: "Archive an item: no more redemptions; open orders stay" }, config: manage },
    async (req, reply) => {
      await catalogue.deleteItem(requireWorkspace(req), req.params.itemId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    `${base}/customers/:profileId/catalogue-redemptions`,
    {
      schema: {
        params: ProfileParams,
        body: RedeemItemBody,
        response: { 200: RedeemItemResultDto, 201: RedeemItemResultDto },
        tags,
        summary: "Redeem a catalogue item for a customer: points (and cash) taken, stock down, an order recorded (idempotent by idempotencyKey)",
      },
      // Data plane (tills, mini-programs): the order and the ledger entry record who redeemed.
      config: { ...manage, audited: false },
    },
    async (req, reply) => {
      const result = await catalogue.redeem(requireWorkspace(req), req.params.profileId, req.body);
      return reply.code(result.replayed ? 200 : 201).send(result);
    },
  );

  app.get(
    `${base}/catalogue/redemptions`,
    { schema: { params: WorkspaceParams, querystring: RedemptionListQuery, response: { 200: RedemptionListDto }, tags, summary: "Redemption orders, newest first, by status, item, customer or source" }, config: read },
    async (req) => catalogue.listRedemptions(requireWorkspace(req), req.query),
  );

  app.get(`${base}/catalogue/redemptions/:redemptionId`, { schema: { params: RedemptionParams, response: { 200: RedemptionOrderDto }, tags, summary: "One redemption order" }, config: read }, async (req) =>
    catalogue.getRedemption(requireWorkspace(req), req.params.redemptionId),
  );

  app.post(
    `${base}/catalogue/redemptions/:redemptionId/fulfilment`,
    { schema: { params: RedemptionParams, body: FulfilRedemptionBody, response: { 200: RedemptionOrderDto }, tags, summary: "Mark a pending order shipped or picked up, with a note" }, config: manage },
    async (req) => catalogue.fulfil(requireWorkspace(req), req.params.redemptionId, req.body),
  );

  app.post(
    `${base}/catalogue/redemptions/:redemptionId/cancellation`,
    { schema: { params: RedemptionParams, body: CancelRedemptionBody, response: { 200: RedemptionOrderDto }, tags, summary: "Cancel an open order: points, stored value and stock back, once" }, config: manage },
    async (req) => catalogue.cancel(requireWorkspace(req), req.params.redemptionId, req.body),
  );

  app.post(
    `${base}/catalogue/redemptions/:redemptionId/payment`,
    {
      schema: { params: RedemptionParams, body: ConfirmPaymentBody, response: { 200: RedemptionOrderDto }, tags, summary: "Confirm the external payment of a points + cash order (the same reference again is a no-op)" },
      // Data plane (payment callbacks): the order records the reference.
      config: { ...manage, audited: false },
    },
    async (req) => catalogue.confirmPayment(requireWorkspace(req), req.params.redemptionId, req.body),
  );

  app.get(`${base}/lotteries`, { schema: { params: WorkspaceParams, response: { 200: LotteryCampaignListDto }, tags, summary: "Lottery campaigns with their prizes" }, config: read }, async (req) => ({
    items: await lottery.list(requireWorkspace(req)),
  }));

  app.post(
    `${base}/lotteries`,
    { schema: { params: WorkspaceParams, body: LotteryCampaignBody, response: { 201: LotteryCampaignDto }, tags, summary: "Create a lottery with its prizes" }, config: manage },
    async (req, reply) => reply.code(201).send(await lottery.create(requireWorkspace(req), req.body)),
  );

  app.get(`${base}/lotteries/:campaignId`, { schema: { params: LotteryCampaignParams, response: { 200: LotteryCampaignDto }, tags, summary: "One lottery" }, config: read }, async (req) =>
    lottery.get(requireWorkspace(req), req.params.campaignId),
  );

  app.put(
    `${base}/lotteries/:campaignId`,
    {
      schema: { params: LotteryCampaignParams, body: LotteryCampaignBody, response: { 200: LotteryCampaignDto }, tags, summary: "Replace a lottery's terms and prizes (send a prize's id to keep it and its count)" },
      config: manage,
    },
    async (req) => lottery.update(requireWorkspace(req), req.params.campaignId, req.body),
  );

  app.delete(
    `${base}/lotteries/:campaignId`,
    { schema: { params: LotteryCampaignParams, response: { 204: z.null() }, tags, summary: "Archive a lottery: no more draws" }, config: manage },
    async (req, reply) => {
      await lottery.remove(requireWorkspace(req), req.params.campaignId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    `${base}/lotteries/:campaignId/draws`,
    { schema: { params: LotteryCampaignParams, querystring: LotteryDrawListQuery, response: { 200: LotteryDrawListDto }, tags, summary: "A lottery's draws, newest first" }, config: read },
    async (req) => lottery.listDraws(requireWorkspace(req), req.params.campaignId, req.query),
  );

  app.get(
    `${base}/lotteries/:campaignId/stats`,
    { schema: { params: LotteryCampaignParams, response: { 200: LotteryStatsDto }, tags, summary: "Draws, members, points spent and prizes given by prize" }, config: read },
    async (req) => lottery.stats(requireWorkspace(req), req.params.campaignId),
  );

  app.post(
    `${base}/customers/:profileId/lottery-draws`,
    {
      schema: { params: ProfileParams, body: CustomerDrawBody, response: { 200: DrawResultDto, 201: DrawResultDto }, tags, summary: "Draw once for a customer: cost taken, a prize picked and given (idempotent by idempotencyKey)" },
      // Data plane: the draw records itself.
      config: { ...manage, audited: false },
    },
    async (req, reply) => {
      const result = await lottery.draw(requireWorkspace(req), req.body.campaignId, req.params.profileId, { idempotencyKey: req.body.idempotencyKey });
      return reply.code(result.replayed ? 200 : 201).send(result);
    },
  );
};
