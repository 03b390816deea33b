import { index, pgTable, primaryKey, text, timestamp, uuid } from "@siyu/storage/pg-core";

/**
 * Operators are people, not tenants: one login can work for several brands.
 * What they may do in a workspace lives in their membership of it.
 */
export const accessOperators = pgTable("access_operators", {
  id: uuid("id").primaryKey(),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  passwordHash: text("password_hash").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  lastLoginAt: timestamp("last_login_at", { withTimezone: true }),
  passwordChangedAt: timestamp("password_changed_at", { withTimezone: true }).notNull(),
});

export const accessSessions = pgTable(
  "access_sessions",
  {
    id: uuid("id").primaryKey(),
    operatorId: uuid("operator_id").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (t) => [index("access_sessions_operator_idx").on(t.operatorId)],
);

export const accessMemberships = pgTable(
  "access_memberships",
  {
    workspaceId: uuid("workspace_id").notNull(),
    operatorId: uuid("operator_id").notNull(),
    role: text("role").notNull(),
    storeIds: uuid("store_ids").array().notNull().default([]),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.operatorId] }),
    index("access_memberships_operator_idx").on(t.operatorId),
  ],
);

export const accessInvitations = pgTable(
  "access_invitations",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    email: text("email").notNull(),
    role: text("role").notNull(),
    storeIds: uuid("store_ids").array().notNull().default([]),
    tokenHash: text("token_hash").notNull().unique(),
    invitedBy: text("invited_by"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [index("access_invitations_workspace_idx").on(t.workspaceId, t.id)],
);
