import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { CreateOrderBody, OrderAcceptedDto, OrderParams, RefundOrderBody, WorkspaceParams, type CreateOrderBody as Order } from "@siyu/contracts";
import { DomainError, profileErrors, type CoreServices } from "@siyu/core";
import { requireWorkspace } from "../route-config";

const tags = ["Orders"];

/**
 * Orders from POS and shop back ends. Each becomes a Segment e-commerce event in
 * the log, with a message id derived from the order id: sending an order again
 * (a retry, a re-sync) has no second effect.
 */
export const ordersRoutes: FastifyPluginAsyncZod<{ services: CoreServices; onIngested: () => void }> = async (app, { services, onIngested }) => {
  app.post(
    "/api/v1/workspaces/:workspaceId/orders",
    {
      schema: { params: WorkspaceParams, body: CreateOrderBody, response: { 200: OrderAcceptedDto, 201: OrderAcceptedDto }, tags, summary: "Record a completed order (idempotent by orderId)" },
      config: { auth: "workspace", permission: "orders.write", audited: false },
    },
    async (req, reply) => {
      const body = req.body;
      const message = {
        type: "track",
        event: "Order Completed",
        messageId: `order:${body.orderId}`,
        timestamp: body.orderedAt,
        ...customerFields(body.customer),
        properties: {
          order_id: body.orderId,
          total: body.total,
          currency: body.currency,
          store_id: body.storeId,
          coupon: body.coupon,
          products: body.products,
        },
      };
      const duplicate = await ingestOne(services, requireWorkspace(req).workspaceId, message);
      onIngested();
      return reply.code(duplicate ? 200 : 201).send({ orderId: body.orderId, duplicate });
    },
  );

  app.post(
    "/api/v1/workspaces/:workspaceId/orders/:orderId/refunds",
    {
      schema: { params: OrderParams, body: RefundOrderBody, response: { 200: OrderAcceptedDto, 201: OrderAcceptedDto }, tags, summary: "Refund an order, in full or in part (idempotent by refundId)" },
      config: { auth: "workspace", permission: "orders.write", audited: false },
    },
    async (req, reply) => {
      const body = req.body;
      const ctx = requireWorkspace(req);
      if (!(await services.profiles.orderExists(ctx, req.params.orderId))) {
        throw profileErrors.error("orders.not_found", `No order ${req.params.orderId} in this workspace.`);
      }
      const message = {
        type: "track",
        event: "Order Refunded",
        messageId: `refund:${req.params.orderId}:${body.refundId}`,
        timestamp: body.refundedAt,
        ...customerFields(body.customer),
        properties: { order_id: req.params.orderId, ...(body.total === undefined ? {} : { total: body.total }) },
      };
      const duplicate = await ingestOne(services, requireWorkspace(req).workspaceId, message);
      onIngested();
      return reply.code(duplicate ? 200 : 201).send({ orderId: req.params.orderId, duplicate });
    },
  );
};

function customerFields(customer: Order["customer"]) {
  const traits: Record<string, unknown> = {};
  if (customer.phone) traits.phone = customer.phone;
  if (customer.email) traits.email = customer.email;
  return {
    userId: customer.userId,
    anonymousId: customer.anonymousId ?? (customer.userId ? undefined : `order-customer:${customer.phone ?? customer.email ?? customer.identities?.[0]?.value}`),
    context: { traits, identities: customer.identities ?? [] },
  };
}

async function ingestOne(services: CoreServices, workspaceId: string, message: Record<string, unknown>): Promise<boolean> {
  const result = await services.ingest(workspaceId, [message]);
  const [first] = result.errors;
  if (first) {
    throw new DomainError("ingest.invalid", `${first.path}: ${first.message}`, 400, result.errors.map(({ path, message: m }) => ({ path, message: m })));
  }
  return result.duplicates > 0;
}
