import { boolean, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "@siyu/storage/pg-core";
import { sql } from "@siyu/storage/orm";

/** Groups of tags; in an exclusive group a customer holds at most one tag (spending power: high | medium | low). */
export const tagGroups = pgTable(
  "tag_groups",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    name: text("name").notNull(),
    description: text("description"),
    exclusive: boolean("exclusive").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("tag_groups_workspace_name_uq").on(t.workspaceId, t.name)],
);

/** Tags: manual, or computed from a rule (kind rule) or a quantile scheme (kind quantile). */
export const tags = pgTable(
  "tags",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    groupId: uuid("group_id"),
    name: text("name").notNull(),
    color: text("color"),
    kind: text("kind").notNull(),
    definition: jsonb("definition").$type<Record<string, unknown>>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
    lastComputedAt: timestamp("last_computed_at", { withTimezone: true }),
  },
  (t) => [
    // A name is unique within its group, and among the ungrouped tags.
    uniqueIndex("tags_workspace_group_name_uq").on(t.workspaceId, t.groupId, t.name).where(sql`group_id is not null`),
    uniqueIndex("tags_workspace_ungrouped_name_uq").on(t.workspaceId, t.name).where(sql`group_id is null`),
    index("tags_workspace_group_idx").on(t.workspaceId, t.groupId),
  ],
);

/**
 * Who holds which tag. `profile_id` is the id the tag was given to; after a merge it may be an
 * absorbed id, read through profiles.merged_into to the live customer.
 */
export const profileTags = pgTable(
  "profile_tags",
  {
    workspaceId: uuid("workspace_id").notNull(),
    tagId: uuid("tag_id").notNull(),
    profileId: uuid("profile_id").notNull(),
    source: text("source").notNull(),
    addedAt: timestamp("added_at", { withTimezone: true }).notNull(),
    addedBy: text("added_by"),
  },
  (t) => [primaryKey({ columns: [t.tagId, t.profileId] }), index("profile_tags_profile_idx").on(t.workspaceId, t.profileId)],
);
