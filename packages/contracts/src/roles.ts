import { z } from "zod";

export const ROLES = ["owner", "admin", "operator", "analyst", "store_manager", "auditor"] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const PERMISSIONS = [
  "workspace.read",
  "workspace.manage",
  "stores.read",
  "stores.manage",
  "operators.read",
  "operators.manage",
  "api_keys.read",
  "api_keys.manage",
  "audit.read",
  "customers.read",
  "customers.manage",
  "orders.write",
  /** Segments, tags, RFM, lifecycle and CLV: read them, or define and recompute them. */
  "segments.read",
  "segments.manage",
  /** See customers' phone, email and full name unmasked (lists, exports); without it they are masked. */
  "customers.pii",
  /** Points, coupons and loyalty settings: read them, or adjust, redeem, issue and configure. */
  "loyalty.read",
  "loyalty.manage",
  /** Dashboards, funnels, retention, attribution: read them, or save reports, enter costs and set alert rules. */
  "analytics.read",
  "analytics.manage",
  /** Journeys, broadcasts, message templates, channels and the message log: read them, or edit, publish and send. */
  "journeys.read",
  "journeys.manage",
  /** Issue and revoke member tokens for the brand's mini-program / H5 (the brand's back end, with an admin key). */
  "members.tokens",
] as const;
export const Permission = z.enum(PERMISSIONS);
export type Permission = z.infer<typeof Permission>;

const READ_ALL: Permission[] = PERMISSIONS.filter((p) => p.endsWith(".read"));
const SEGMENTS: Permission[] = ["segments.read", "segments.manage"];
const ANALYTICS: Permission[] = ["analytics.read", "analytics.manage"];
const JOURNEYS: Permission[] = ["journeys.read", "journeys.manage"];

/**
 * What each role may do. Store managers see only the stores assigned to them;
 * that row-level limit is applied by the services, not by this matrix.
 */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  owner: PERMISSIONS,
  admin: PERMISSIONS,
  operator: ["workspace.read", "stores.read", "customers.read", "customers.manage", "customers.pii", ...SEGMENTS, "loyalty.read", "loyalty.manage", ...ANALYTICS, ...JOURNEYS],
  analyst: ["workspace.read", "stores.read", "customers.read", "segments.read", "loyalty.read", ...ANALYTICS, "journeys.read"],
  store_manager: ["workspace.read", "stores.read", "customers.read", "customers.pii", "segments.read", "loyalty.read", "analytics.read"],
  auditor: READ_ALL,
};

/** Admin API keys act for a server, never for a person: they cannot manage people or other keys. */
export const ADMIN_KEY_PERMISSIONS: readonly Permission[] = PERMISSIONS.filter(
  (p) => p !== "operators.manage" && p !== "api_keys.manage",
);

export function roleCan(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

export const RoleDto = z.object({ role: Role, permissions: z.array(Permission) });
export const RoleListDto = z.object({ items: z.array(RoleDto) });
export type RoleDto = z.infer<typeof RoleDto>;
export type RoleListDto = z.infer<typeof RoleListDto>;
