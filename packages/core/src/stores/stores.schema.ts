import { index, pgTable, text, timestamp, uniqueIndex, uuid } from "@siyu/storage/pg-core";

/** A brand's physical stores (门店). */
export const stores = pgTable(
  "stores",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    code: text("code").notNull(),
    name: text("name").notNull(),
    city: text("city").notNull(),
    address: text("address"),
    phone: text("phone"),
    status: text("status").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex("stores_workspace_code_uq").on(t.workspaceId, t.code),
    index("stores_workspace_id_idx").on(t.workspaceId, t.id),
  ],
);
