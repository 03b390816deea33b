import { index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "@siyu/storage/pg-core";

/** Every identifier Siyu has seen, and the profile (person) it belongs to now. */
export const identityIdentifiers = pgTable(
  "identity_identifiers",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    type: text("type").notNull(),
    value: text("value").notNull(),
    profileId: uuid("profile_id").notNull(),
    /** The profile it was first seen in: a split gives each side its own back. */
    originProfileId: uuid("origin_profile_id").notNull(),
    firstSeenAt: timestamp("first_seen_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex("identity_identifiers_value_uq").on(t.workspaceId, t.type, t.value),
    index("identity_identifiers_profile_idx").on(t.workspaceId, t.profileId),
  ],
);

/**
 * Links between two identifiers (a_id < b_id), dated by the earliest event that
 * made them: that date is the canonical order links are judged in.
 */
export const identityLinks = pgTable(
  "identity_links",
  {
    workspaceId: uuid("workspace_id").notNull(),
    aId: uuid("a_id").notNull(),
    bId: uuid("b_id").notNull(),
    messageId: text("message_id").notNull(),
    ts: timestamp("ts", { withTimezone: true }).notNull(),
    verdict: text("verdict").notNull(),
    reason: text("reason"),
    /** An operator's answer to a conflict: null while it waits in the queue. */
    review: text("review"),
    reviewedBy: text("reviewed_by"),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.aId, t.bId] }),
    index("identity_links_b_idx").on(t.workspaceId, t.bId),
    index("identity_links_verdict_idx").on(t.workspaceId, t.verdict),
  ],
);

/** When two existing profiles became one: kept so an operator can split them again. */
export const identityMerges = pgTable(
  "identity_merges",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    survivorProfileId: uuid("survivor_profile_id").notNull(),
    mergedProfileId: uuid("merged_profile_id").notNull(),
    survivorIdentifierIds: uuid("survivor_identifier_ids").array().notNull(),
    mergedIdentifierIds: uuid("merged_identifier_ids").array().notNull(),
    messageId: text("message_id"),
    at: timestamp("at", { withTimezone: true }).notNull(),
    splitAt: timestamp("split_at", { withTimezone: true }),
    splitBy: text("split_by"),
  },
  (t) => [index("identity_merges_survivor_idx").on(t.workspaceId, t.survivorProfileId)],
);

/** An operator's split: identifiers on the left may never again be one person with those on the right. */
export const identitySeparations = pgTable(
  "identity_separations",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    leftIds: uuid("left_ids").array().notNull(),
    rightIds: uuid("right_ids").array().notNull(),
    mergeId: uuid("merge_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    createdBy: text("created_by").notNull(),
  },
  (t) => [index("identity_separations_workspace_idx").on(t.workspaceId)],
);
