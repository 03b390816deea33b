import { z } from "zod";
import { Id, IsoDateTime, PageQuery, pageOf } from "./common";

export const STORE_STATUSES = ["open", "closed"] as const;
export const StoreStatus = z.enum(STORE_STATUSES);

export const StoreDto = z.object({
  id: Id,
  code: z.string(),
  name: z.string(),
  city: z.string(),
  address: z.string().nullable(),
  phone: z.string().nullable(),
  status: StoreStatus,
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type StoreDto = z.infer<typeof StoreDto>;

const StoreFields = z.strictObject({
  code: z.string().trim().min(1).max(32).regex(/^[A-Za-z0-9_-]+$/, { message: "letters, digits, - and _ only" }),
  name: z.string().trim().min(1).max(100),
  city: z.string().trim().min(1).max(50),
  address: z.string().trim().max(300).nullable().optional(),
  phone: z.string().trim().max(30).nullable().optional(),
  status: StoreStatus,
});

export const CreateStoreBody = StoreFields.extend({ status: StoreStatus.default("open") });
export type CreateStoreBody = z.infer<typeof CreateStoreBody>;
// No defaults here: a field left out of a PATCH keeps its value.
export const UpdateStoreBody = StoreFields.partial();
export type UpdateStoreBody = z.infer<typeof UpdateStoreBody>;

export const StoreParams = z.strictObject({ workspaceId: Id, storeId: Id });
export const StoreListQuery = PageQuery.extend({
  q: z.string().trim().max(100).optional(),
  city: z.string().trim().max(50).optional(),
  status: StoreStatus.optional(),
});
export type StoreListQuery = z.infer<typeof StoreListQuery>;
export const StorePageDto = pageOf(StoreDto);
export type StorePageDto = z.infer<typeof StorePageDto>;
