import { index, jsonb, pgTable, text, timestamp, uuid } from "@siyu/storage/pg-core";

/**
 * Saved analytics reports of any kind (explore queries: events, funnel, retention, paths; the
 * KPI dashboard may keep its own kinds here): a name and the query as the API takes it.
 */
export const savedReports = pgTable(
  "saved_reports",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    kind: text("kind").notNull(),
    name: text("name").notNull(),
    description: text("description"),
    query: jsonb("query").$type<Record<string, unknown>>().notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("saved_reports_workspace_kind_idx").on(t.workspaceId, t.kind, t.name)],
);
