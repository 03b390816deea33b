import { roleCan, type MembershipDto, type Permission, type Role, type WorkspaceDto } from "@siyu/contracts";
import { createContext, useContext, useMemo, type ReactNode } from "react";

export type CurrentWorkspace = {
  workspace: WorkspaceDto;
  workspaceId: string;
  role: Role;
  storeIds: readonly string[];
  can: (permission: Permission) => boolean;
};

const CurrentWorkspaceContext = createContext<CurrentWorkspace | null>(null);

export function CurrentWorkspaceProvider(props: { membership: MembershipDto; children: ReactNode }) {
  const { membership, children } = props;
  const value = useMemo<CurrentWorkspace>(
    () => ({
      workspace: membership.workspace,
      workspaceId: membership.workspace.id,
      role: membership.role,
      storeIds: membership.storeIds,
      can: (permission) => roleCan(membership.role, permission),
    }),
    [membership],
  );
  return <CurrentWorkspaceContext.Provider value={value}>{children}</CurrentWorkspaceContext.Provider>;
}

/** The workspace named in the URL (/w/:workspaceId/…) and what the operator's role allows in it. */
export function useCurrentWorkspace(): CurrentWorkspace {
  const ctx = useContext(CurrentWorkspaceContext);
  if (!ctx) throw new Error("useCurrentWorkspace() is only available inside /w/:workspaceId routes");
  return ctx;
}
