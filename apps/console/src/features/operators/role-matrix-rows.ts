import { PERMISSIONS, type Permission, type Role } from "@siyu/contracts";

export type PermissionRow = { permission: Permission; granted: ReadonlySet<Role> };

type RoleGrants = { items: ReadonlyArray<{ role: Role; permissions: readonly Permission[] }> };

/**
 * One row per permission (in the contract's order, so the table reads workspace → stores →
 * operators → keys → audit), each with the roles the server says hold it.
 */
export function buildPermissionRows(roles: RoleGrants): PermissionRow[] {
  const granted = new Map<Permission, Set<Role>>(PERMISSIONS.map((p) => [p, new Set<Role>()]));
  for (const { role, permissions } of roles.items) {
    for (const permission of permissions) {
      const set = granted.get(permission) ?? new Set<Role>();
      set.add(role);
      granted.set(permission, set);
    }
  }
  return [...granted].map(([permission, roleSet]) => ({ permission, granted: roleSet }));
}
