import { jsonb, pgTable, primaryKey, text, timestamp, uuid } from "@siyu/storage/pg-core";

/**
 * Every module's per-workspace settings, one row per (workspace, module): the stored keys only,
 * read back merged over the module's defaults (defineWorkspaceSettings). No row means the defaults.
 */
export const workspaceSettings = pgTable(
  "workspace_settings",
  {
    workspaceId: uuid("workspace_id").notNull(),
    /** The owning module: clv, identity, loyalty, scores, segments, tags. */
    module: text("module").notNull(),
    settings: jsonb("settings").$type<Record<string, unknown>>().notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.module] })],
);
