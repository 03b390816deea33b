import { PERMISSIONS, ROLES, ROLE_PERMISSIONS, roleCan } from "@siyu/contracts";
import { describe, expect, it } from "vitest";
import { buildPermissionRows } from "./role-matrix-rows";

describe("buildPermissionRows", () => {
  const roles = { items: ROLES.map((role) => ({ role, permissions: [...ROLE_PERMISSIONS[role]] })) };

  it("lists every permission once, in contract order", () => {
    expect(buildPermissionRows(roles).map((r) => r.permission)).toEqual([...PERMISSIONS]);
  });

  it("marks exactly the roles that hold each permission", () => {
    for (const row of buildPermissionRows(roles)) {
      for (const role of ROLES) expect(row.granted.has(role)).toBe(roleCan(role, row.permission));
    }
  });

  it("keeps rows for permissions no role holds", () => {
    const rows = buildPermissionRows({ items: [{ role: "operator", permissions: ["stores.read"] }] });
    expect(rows).toHaveLength(PERMISSIONS.length);
    expect(rows.find((r) => r.permission === "audit.read")?.granted.size).toBe(0);
  });
});
