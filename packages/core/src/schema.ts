// Every module's tables, for drizzle-kit: one linear migration history for PGlite and PostgreSQL.
export * from "./workspaces/workspaces.schema";
export * from "./stores/stores.schema";
export * from "./access/access.schema";
export * from "./api-keys/api-keys.schema";
export * from "./audit/audit.schema";
export * from "./settings/settings.schema";
export * from "./events/events.schema";
export * from "./identity/identity.schema";
export * from "./profiles/profiles.schema";
export * from "./profile-events/profile-events.schema";
export * from "./consents/consents.schema";
export * from "./clv/clv.schema";
export * from "./tags/tags.schema";
export * from "./scores/scores.schema";
export * from "./segments/segments.schema";
export * from "./loyalty/loyalty.schema";
export * from "./analytics/kpi/kpi.schema";
