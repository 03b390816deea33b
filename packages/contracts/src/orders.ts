import { z } from "zod";
import { Id, IsoDateTime } from "./common";

/** Who placed an order: at least one identifier, as POS and shop back ends know them. */
export const OrderCustomer = z
  .strictObject({
    userId: z.string().trim().min(1).max(255).optional(),
    anonymousId: z.string().trim().min(1).max(255).optional(),
    phone: z.string().trim().min(3).max(40).optional(),
    email: z.string().trim().max(254).optional(),
    identities: z
      .array(z.strictObject({ type: z.string().min(1).max(60), value: z.string().min(1).max(255), appId: z.string().max(100).optional() }))
      .max(20)
      .optional(),
  })
  .refine((c) => c.userId || c.anonymousId || c.phone || c.email || c.identities?.length, {
    message: "give at least one of userId, anonymousId, phone, email or identities",
  });

export const OrderProduct = z.looseObject({
  product_id: z.union([z.string(), z.number()]).optional(),
  sku: z.string().max(100).optional(),
  name: z.string().max(200).optional(),
  price: z.number().min(0).optional(),
  quantity: z.number().int().min(1).max(10_000).optional(),
  category: z.string().max(100).optional(),
});

export const CreateOrderBody = z.strictObject({
  orderId: z.string().trim().min(1).max(200),
  customer: OrderCustomer,
  /** Decimal amount in major units (e.g. 18.5 for ¥18.50), as Segment's e-commerce spec sends it. */
  total: z.number().min(0).max(1e9),
  currency: z.string().regex(/^[A-Z]{3}$/, { message: "must be an ISO 4217 code such as CNY" }).optional(),
  storeId: z.string().max(100).optional(),
  coupon: z.string().max(100).optional(),
  products: z.array(OrderProduct).max(500).default([]),
  orderedAt: IsoDateTime.optional(),
});
export type CreateOrderBody = z.infer<typeof CreateOrderBody>;

export const RefundOrderBody = z.strictObject({
  /** Each refund of an order has its own id, so a retried call refunds once. Default: the one full refund. */
  refundId: z.string().trim().min(1).max(100).default("full"),
  /** Omit to refund whatever is left. */
  total: z.number().min(0).max(1e9).optional(),
  customer: OrderCustomer,
  refundedAt: IsoDateTime.optional(),
});
export type RefundOrderBody = z.infer<typeof RefundOrderBody>;

export const OrderAcceptedDto = z.object({ orderId: z.string(), duplicate: z.boolean() });
export const OrderParams = z.strictObject({ workspaceId: Id, orderId: z.string().min(1).max(200) });
