import { index, jsonb, pgTable, text, timestamp, uuid } from "@siyu/storage/pg-core";

/** A workspace's message templates: Liquid content per language (TemplateBody), for one channel and purpose. */
export const messageTemplates = pgTable(
  "message_templates",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    name: text("name").notNull(),
    /** messaging CHANNELS */
    channel: text("channel").notNull(),
    /** marketing | service */
    purpose: text("purpose").notNull(),
    /** Locale → TemplateContent. */
    content: jsonb("content").$type<Record<string, Record<string, unknown>>>().notNull(),
    defaultLocale: text("default_locale").notNull(),
    /** The variables the content uses, found by parsing it when it was saved. */
    variables: text("variables").array().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("message_templates_workspace").on(t.workspaceId, t.name)],
);
