import { index, pgTable, text, timestamp, uuid } from "@siyu/storage/pg-core";

/** One HMAC-SHA256 secret per workspace for member tokens; rotating it invalidates every token signed before. */
export const memberTokenSecrets = pgTable("member_token_secrets", {
  workspaceId: uuid("workspace_id").primaryKey(),
  secret: text("secret").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  rotatedAt: timestamp("rotated_at", { withTimezone: true }),
});

/**
 * Every issued member token (not the token itself: its id, member and lifetime), so one token or all of a
 * member's can be revoked. Rows past their expiry are deleted by the hourly clean-up.
 */
export const memberTokens = pgTable(
  "member_tokens",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    profileId: uuid("profile_id").notNull(),
    identifierType: text("identifier_type").notNull(),
    issuedBy: text("issued_by"),
    issuedAt: timestamp("issued_at", { withTimezone: true }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [index("member_tokens_profile_idx").on(t.workspaceId, t.profileId), index("member_tokens_expiry_idx").on(t.expiresAt)],
);
