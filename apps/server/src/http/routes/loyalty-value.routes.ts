import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  CardEntryDto,
  CardOperationDto,
  CardProductDto,
  CardProductListDto,
  CardProductParams,
  CreateCardProductBody,
  ExpiryForecastDto,
  IssueCardBody,
  LiabilityQuery,
  LiabilityReportDto,
  MemberCardListDto,
  MemberCardParams,
  ProfileParams,
  RefundTopUpBody,
  StoredValueResultDto,
  TopUpParams,
  UseCardBody,
  VoidCardBody,
  WorkspaceParams,
} from "@siyu/contracts";
import type { CoreServices } from "@siyu/core";
import { requireWorkspace } from "../route-config";

const tags = ["Loyalty"];
const base = "/api/v1/workspaces/:workspaceId";

/** Stored-value top-up refunds, times and annual cards, the liability report and the points expiry forecast. */
export const loyaltyValueRoutes: FastifyPluginAsyncZod<{ services: CoreServices }> = async (app, { services }) => {
  app.post(
    `${base}/customers/:profileId/stored-value/top-ups/:topupId/refund`,
    {
      schema: {
        params: TopUpParams,
        body: RefundTopUpBody,
        response: { 200: StoredValueResultDto, 201: StoredValueResultDto },
        tags,
        summary: "Pay back a top-up's unspent principal (its bonus is forfeited); refused when its principal is spent (audited; idempotent by idempotencyKey)",
      },
      config: { auth: "workspace", permission: "loyalty.manage" },
    },
    async (req, reply) => {
      const result = await services.storedValue.refundTopUp(requireWorkspace(req), req.params.profileId, req.params.topupId, req.body);
      return reply.code(result.replayed ? 200 : 201).send(result);
    },
  );

  app.get(
    `${base}/card-products`,
    {
      schema: { params: WorkspaceParams, response: { 200: CardProductListDto }, tags, summary: "Times-card and annual-card products (archived ones hidden)" },
      config: { auth: "workspace", permission: "loyalty.read" },
    },
    async (req) => ({ items: await services.cards.listProducts(requireWorkspace(req)) }),
  );

  app.post(
    `${base}/card-products`,
    {
      schema: { params: WorkspaceParams, body: CreateCardProductBody, response: { 201: CardProductDto }, tags, summary: "Create a card product (times: N uses; annual: unlimited, optionally K per day)" },
      config: { auth: "workspace", permission: "loyalty.manage" },
    },
    async (req, reply) => reply.code(201).send(await services.cards.createProduct(requireWorkspace(req), req.body)),
  );

  app.get(
    `${base}/card-products/:productId`,
    {
      schema: { params: CardProductParams, response: { 200: CardProductDto }, tags, summary: "A card product with its issued count" },
      config: { auth: "workspace", permission: "loyalty.read" },
    },
    async (req) => services.cards.getProduct(requireWorkspace(req), req.params.productId),
  );

  app.put(
    `${base}/card-products/:productId`,
    {
      schema: { params: CardProductParams, body: CreateCardProductBody, response: { 200: CardProductDto }, tags, summary: "Replace a card product's terms (cards already issued keep theirs)" },
      config: { auth: "workspace", permission: "loyalty.manage" },
    },
    async (req) => services.cards.updateProduct(requireWorkspace(req), req.params.productId, req.body),
  );

  app.delete(
    `${base}/card-products/:productId`,
    {
      schema: { params: CardProductParams, response: { 204: z.null() }, tags, summary: "Archive a card product: no more sales, issued cards stay usable" },
      config: { auth: "workspace", permission: "loyalty.manage" },
    },
    async (req, reply) => {
      await services.cards.archiveProduct(requireWorkspace(req), req.params.productId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    `${base}/customers/:profileId/cards`,
    {
      schema: { params: ProfileParams, response: { 200: MemberCardListDto }, tags, summary: "A customer's times and annual cards, newest first" },
      config: { auth: "workspace", permission: "loyalty.read" },
    },
    async (req) => ({ items: await services.cards.listOfCustomer(requireWorkspace(req), req.params.profileId) }),
  );

  app.post(
    `${base}/customers/:profileId/cards`,
    {
      schema: {
        params: ProfileParams,
        body: IssueCardBody,
        response: { 200: CardOperationDto, 201: CardOperationDto },
        tags,
        summary: "Sell a card to a customer, optionally paid from stored value in the same transaction (idempotent by idempotencyKey)",
      },
      // Data plane (tills, mini-programs), like a top-up: the card and its entries record the actor.
      config: { auth: "workspace", permission: "loyalty.manage", audited: false },
    },
    async (req, reply) => {
      const result = await services.cards.issue(requireWorkspace(req), req.params.profileId, req.body);
      return reply.code(result.replayed ? 200 : 201).send(result);
    },
  );

  app.post(
    `${base}/member-cards/:cardId/uses`,
    {
      schema: {
        params: MemberCardParams,
        body: UseCardBody,
        response: { 200: CardOperationDto, 201: CardOperationDto },
        tags,
        summary: "Use a card once: checks validity, store, uses left and the annual card's daily limit (idempotent by idempotencyKey)",
      },
      // Data plane (tills): the use entry records store, reference and actor.
      config: { auth: "workspace", permission: "loyalty.manage", audited: false },
    },
    async (req, reply) => {
      const result = await services.cards.use(requireWorkspace(req), req.params.cardId, req.body);
      return reply.code(result.replayed ? 200 : 201).send(result);
    },
  );

  app.post(
    `${base}/member-cards/:cardId/void`,
    {
      schema: {
        params: MemberCardParams,
        body: VoidCardBody,
        response: { 200: CardOperationDto, 201: CardOperationDto },
        tags,
        summary: "Void what is left of a card; its unused value goes back to stored value when it was paid from there (audited)",
      },
      config: { auth: "workspace", permission: "loyalty.manage" },
    },
    async (req, reply) => {
      const result = await services.cards.void(requireWorkspace(req), req.params.cardId, req.body);
      return reply.code(result.replayed ? 200 : 201).send(result);
    },
  );

  app.get(
    `${base}/member-cards/:cardId/entries`,
    {
      schema: { params: MemberCardParams, response: { 200: z.object({ items: z.array(CardEntryDto) }) }, tags, summary: "A card's uses ledger, newest first" },
      config: { auth: "workspace", permission: "loyalty.read" },
    },
    async (req) => ({ items: await services.cards.entries(requireWorkspace(req), req.params.cardId) }),
  );

  app.get(
    `${base}/loyalty/liability`,
    {
      schema: {
        params: WorkspaceParams,
        querystring: LiabilityQuery,
        response: { 200: LiabilityReportDto },
        tags,
        summary: "What the brand owes members: points, stored value, card uses, coupons (now, or as of a date from the ledgers)",
      },
      config: { auth: "workspace", permission: "loyalty.read" },
    },
    async (req) => services.liability.report(requireWorkspace(req), req.query.asOf),
  );

  app.get(
    `${base}/loyalty/liability/export.csv`,
    {
      schema: { params: WorkspaceParams, querystring: LiabilityQuery, response: { 200: z.string().describe("text/csv: as_of,store_id,points_available,…,total_minor") }, tags, summary: "The liability report as CSV" },
      config: { auth: "workspace", permission: "loyalty.read" },
    },
    async (req, reply) => {
      const csv = await services.liability.reportCsv(requireWorkspace(req), req.query.asOf);
      return reply.type("text/csv; charset=utf-8").header("content-disposition", 'attachment; filename="loyalty-liability.csv"').send(csv);
    },
  );

  app.get(
    `${base}/loyalty/points-expiry-forecast`,
    {
      schema: { params: WorkspaceParams, response: { 200: ExpiryForecastDto }, tags, summary: "Points that will expire in each of the next 12 local months, with the members holding them" },
      config: { auth: "workspace", permission: "loyalty.read" },
    },
    async (req) => services.liability.expiryForecast(requireWorkspace(req)),
  );
};
